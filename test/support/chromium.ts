/**
 * Debian's Chromium driven by playwright-core, with the built extension loaded, as a person
 * would run it.
 *
 * @example
 *   const chrome = await launchWithExtension();
 *   const popup = await chrome.open('popup.html');
 *   expect(await chrome.badge()).toEqual({ text: '2', color: [217, 48, 37, 255] });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { readBadge, type ExtensionBrowser as AnyExtensionBrowser, type TestPage } from './extension-browser.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EXTENSION_DIR = path.resolve('.output/chrome-mv3');
/** What the handbook says Chromium needs as root on these machines. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** Opens an extension page (`popup.html`, `options.html#x`) in a new tab. */
  open(page: string): Promise<Page>;
  /** The toolbar badge: its text and background colour as [r, g, b, a]. */
  badge(): Promise<{ text: string; color: number[]; title: string }>;
  close(): Promise<void>;
}

/** `extensionDir`: another copy of the built extension (bench/popup.ts adds an empty page to one). */
export async function launchWithExtension(extensionDir = EXTENSION_DIR): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'regrant-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
  });
  // A step that cannot happen should fail with its own message well before the test's limit.
  context.setDefaultTimeout(10_000);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async open(page) {
      const tab = await context.newPage();
      await tab.goto(`chrome-extension://${extensionId}/${page}`);
      return tab;
    },
    badge: () => worker.evaluate(readBadge),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A Playwright page as the stories' TestPage: its locators are already `Found`s. */
function testPage(page: Page): TestPage {
  return {
    getByRole: (role, options) => page.getByRole(role, options),
    getByLabel: (label, options) => page.getByLabel(label, options),
    getByText: (text) => page.getByText(text),
    locator: (selector) => page.locator(selector),
    url: async () => page.url(),
    evaluate: (fn) => page.evaluate(fn),
    press: (key) => page.keyboard.press(key),
    async download(trigger) {
      const [file] = await Promise.all([page.waitForEvent('download'), trigger()]);
      return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
    },
    close: () => page.close(),
  };
}

/** Chromium with the extension, behind the interface the stories share with Firefox; pages may use the clipboard. */
export async function launchChromium(): Promise<AnyExtensionBrowser> {
  const chrome = await launchWithExtension();
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  return {
    name: 'chromium',
    open: async (file) => testPage(await chrome.open(file)),
    async nextTab(trigger) {
      const [tab] = await Promise.all([chrome.context.waitForEvent('page'), trigger()]);
      return testPage(tab);
    },
    badge: () => chrome.badge(),
    close: () => chrome.close(),
  };
}

/** A second, plain Chromium: a person in a chat who opens a pasted link, logged in nowhere. */
export async function launchPlainBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return { page: await (await browser.newContext()).newPage(), close: () => browser.close() };
}
