/**
 * Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi, headless, with the built
 * extension installed, as a person would run it; the same small interface as chromium.ts.
 *
 * Firefox facts this works around: `page.goto` to a `moz-extension://` page never settles
 * (the BiDi navigate is sent with `wait: 'none'`, then the page is awaited); the extension's
 * UUID is fixed by a pref so its pages' address is known before install; the badge is read
 * from an extension page (the event page is not a target); installing an unpacked add-on
 * needs `--remote-allow-system-access`.
 *
 * @example
 *   const firefox = await launchFirefox();
 *   const popup = await firefox.open('popup.html');
 *   expect(await firefox.badge()).toMatchObject({ text: '2' });
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { foundIn } from './firefox-found.ts';
import { readBadge, type ExtensionBrowser, type TestPage } from './extension-browser.ts';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = path.resolve('.output/firefox-mv3');
/** The add-on id of wxt.config.ts, and the UUID its pages get (fixed, so their address is known). */
const ADDON_ID = 'regrant@regrant.dev';
const ADDON_UUID = '3c2a8f4e-7b1d-4e0a-9f6c-2d5b8a1e4c70';
export const FIREFOX_EXTENSION_ORIGIN = `moz-extension://${ADDON_UUID}`;
/** A port nothing listens on: every request that is not for loopback goes there and fails. */
const DEAD_PROXY_PORT = 9;
const BACKGROUND_IDLE_MS = 5_000;
/** A step that cannot happen should fail with its own message well before the test's limit. */
const STEP_MS = 15_000;

/** Off the network: only loopback is reached; no update, telemetry, DoH or connectivity checks. */
function offlinePrefs(downloads: string): Record<string, unknown> {
  return {
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
    // The event page is unloaded after 5 idle seconds instead of 30: every story meets a
    // background woken by an alarm, a message or a storage change, as people's browsers do.
    'extensions.background.idle.timeout': BACKGROUND_IDLE_MS,
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': DEAD_PROXY_PORT,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': DEAD_PROXY_PORT,
    'network.proxy.share_proxy_settings': true,
    'network.proxy.no_proxies_on': 'localhost, 127.0.0.1, [::1]',
    'network.proxy.allow_hijacking_localhost': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'app.update.auto': false,
    'app.update.enabled': false,
    'extensions.getAddons.showPane': false,
    'extensions.blocklist.enabled': false,
    'browser.ping-centre.telemetry': false,
    'browser.newtabpage.activity-stream.feeds.telemetry': false,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'services.settings.server': 'http://127.0.0.1:9/',
    // What a person's click does in the stories: Copy link may be read back by the test, and
    // downloads land in a folder of ours without a dialog.
    'dom.events.testing.asyncClipboard': true,
    'browser.download.folderList': 2,
    'browser.download.dir': downloads,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.alwaysOpenPanel': false,
  };
}

/** Navigates without waiting for a load event Firefox never reports, then waits for the page. */
async function navigate(page: Page, url: string): Promise<void> {
  const context = (page.mainFrame() as unknown as { browsingContext: { navigate(url: string, wait: string): Promise<unknown> } }).browsingContext;
  await context.navigate(url, 'none');
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const state = await page.evaluate(() => [location.href, document.readyState]).catch(() => null);
    if (state?.[0] === url && state[1] === 'complete') return;
    if (Date.now() > deadline) throw new Error(`${url} did not load within ${STEP_MS} ms (at ${state?.[0]}, ${state?.[1]})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function testPage(page: Page, downloads: string): TestPage {
  const root = () => page.evaluateHandle(() => document.documentElement) as Promise<ElementHandle<Element>>;
  const finders = foundIn(page, root, STEP_MS);
  return {
    ...finders,
    // Puppeteer's own record misses navigations to moz-extension:// pages: ask the page.
    url: () => page.evaluate(() => location.href),
    evaluate: (fn) => page.evaluate(fn),
    press: (key) => page.keyboard.press(key),
    async download(trigger) {
      const before = new Set(readdirSync(downloads));
      await trigger();
      const deadline = Date.now() + STEP_MS;
      for (;;) {
        // Firefox writes `name.part` and renames it when done.
        const done = readdirSync(downloads).filter((f) => !before.has(f) && !f.endsWith('.part'));
        const parts = readdirSync(downloads).filter((f) => f.endsWith('.part'));
        if (done.length === 1 && parts.length === 0 && statSync(path.join(downloads, done[0])).size > 0) {
          return { name: done[0], text: readFileSync(path.join(downloads, done[0]), 'utf8') };
        }
        if (Date.now() > deadline) throw new Error(`no download finished within ${STEP_MS} ms (${readdirSync(downloads).join(', ') || 'none'})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => page.close(),
  };
}

/** `extensionDir`: the unpacked Firefox build. */
export async function launchFirefox(extensionDir = FIREFOX_EXTENSION_DIR): Promise<ExtensionBrowser> {
  const downloads = mkdtempSync(path.join(os.tmpdir(), 'regrant-firefox-downloads-'));
  // Firefox's start-up is slow on a busy machine: generous limits here, none in the stories.
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: offlinePrefs(downloads),
    timeout: 120_000,
    protocolTimeout: 120_000,
  });
  try {
    const id = await browser.installExtension(extensionDir);
    if (id !== ADDON_ID) throw new Error(`installed ${id}, expected ${ADDON_ID}`);
    const open = async (file: string) => {
      const page = await browser.newPage();
      await navigate(page, `${FIREFOX_EXTENSION_ORIGIN}/${file}`);
      return page;
    };
    // An extension page of its own for reading the badge: the options page only reads storage.
    const probe = await open('options.html');
    return {
      name: 'firefox',
      async open(file) {
        return testPage(await open(file), downloads);
      },
      async nextTab(trigger) {
        const known = new Set(browser.targets());
        const next = browser.waitForTarget((t) => t.type() === 'page' && !known.has(t), { timeout: STEP_MS });
        await trigger();
        const page = await (await next).page();
        if (!page) throw new Error('the new tab has no page');
        return testPage(page, downloads);
      },
      badge: () => probe.evaluate(readBadge),
      backgroundRunning: () =>
        probe.evaluate(async () => {
          const runtime = (globalThis as unknown as { browser: { runtime: { getContexts(f: object): Promise<unknown[]> } } }).browser.runtime;
          return (await runtime.getContexts({ contextTypes: ['BACKGROUND'] })).length > 0;
        }),
      async close() {
        await browser.close();
        rmSync(downloads, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
