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
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

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
    badge: () =>
      worker.evaluate(async () => {
        const action = (globalThis as unknown as { chrome: { action: Record<string, (d: object) => Promise<never>> } }).chrome.action;
        const [text, color, title] = await Promise.all([action.getBadgeText({}), action.getBadgeBackgroundColor({}), action.getTitle({})]);
        return { text: text as string, color: color as number[], title: title as string };
      }),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A second, plain Chromium: a person in a chat who opens a pasted link, logged in nowhere. */
export async function launchPlainBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return { page: await (await browser.newContext()).newPage(), close: () => browser.close() };
}
