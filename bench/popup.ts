/**
 * The popup with 500 mailboxes cached, in real Chromium with the built extension, against an
 * empty page of the same extension opened in the same browser, turn about (15 openings each
 * after one to fill the cache). Every time is from navigation start (the tab asked to open the
 * page), the median of the openings:
 *
 * - first render: until the list is committed to the page (the `regrant:first-list` mark, in
 *   the list's layout effect), against the empty page's load event (no page can run its own
 *   code earlier);
 * - list painted: until the frame showing the first row's address is presented (Element Timing,
 *   which the bench switches on for that address as it is added), against the empty page's first
 *   contentful paint (the frame showing its one word);
 * - where the popup's time goes, step by step (extension/utils/popup-marks.ts);
 * - the popup's bundle size.
 *
 * Needs `npm run build` (or `npx wxt build`) and /usr/bin/chromium.
 *
 *   npx tsx bench/popup.ts
 */
import { createHttpServer, listen } from '../server/http/serve.ts';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { POPUP_MARKS } from '../extension/utils/popup-marks.ts';
import { loadConfig } from '../server/config/index.ts';
import { newId } from '../server/db/ids.ts';
import { silentLogger } from '../server/log/index.ts';
import { createRegrant } from '../server/regrant.ts';
import { EXTENSION_DIR, launchWithExtension } from '../test/support/chromium.ts';
import { freePort } from '../test/support/ports.ts';
import { median, num, report, runsOf } from './figures.ts';

const MAILBOXES = Number(process.env.MAILBOXES ?? 500);
const OPENINGS = 15;
const EMPTY_PAGE = 'empty.html';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
const rg = await createRegrant(loadConfig({ DATA_DIR: dataDir }), { logger: silentLogger });
const { user, token } = await rg.users.add({ email: 'admin@bench.test', role: 'admin' });
const now = new Date().toISOString();
const providers = ['google', 'microsoft', 'custom'] as const;
await rg.db
  .insertInto('accounts')
  .values(
    Array.from({ length: MAILBOXES }, (_, i) => ({
      id: newId('acc'), email: `box${i}@bench.test`, name: null, owner_id: user.id, provider: providers[i % 3],
      state: i % 10 === 0 ? ('needs_reauth' as const) : ('connected' as const), reason_code: i % 10 === 0 ? 'grant_revoked' : null,
      reason_message: i % 10 === 0 ? 'The provider says the access was revoked or has expired.' : null, reason_hint: null,
      state_changed_at: now, smtp_host: null, smtp_port: null, smtp_security: null, smtp_username: null, smtp_password: null,
      imap_host: null, imap_port: null, imap_security: null, imap_username: null, imap_password: null, oauth_refresh_token: null,
      last_checked_at: now, next_check_at: now, lease_owner: null, lease_until: null, incident_event_id: null, created_at: now, updated_at: now,
    })),
  )
  .execute();
const port = await freePort();
const http = createHttpServer(rg.app.fetch);
await listen(http, port, '127.0.0.1');

// A copy of the built extension with one more page, empty but for a word to paint: what
// Chromium itself costs to open a page of this extension.
const extensionDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-extension-'));
cpSync(EXTENSION_DIR, extensionDir, { recursive: true });
writeFileSync(path.join(extensionDir, EMPTY_PAGE), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Regrant</title></head><body><p>Regrant</p></body></html>\n');

/** Navigation timing, paint timing, marks and element timing of a page, in ms from its navigation start. */
const timings = (page: Page, painted: 'with element timing' | 'without') =>
  page.evaluate(async (painted) => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const at: Record<string, number> = { htmlParsed: nav.domInteractive, loaded: nav.loadEventEnd };
    for (const e of performance.getEntriesByType('paint')) at[e.name] = e.startTime;
    for (const e of performance.getEntriesByType('mark')) at[e.name] = e.startTime;
    if (painted === 'without') return at;
    const entries = await new Promise<PerformanceEntry[]>((resolve) => {
      new PerformanceObserver((list) => resolve(list.getEntries())).observe({ type: 'element', buffered: true });
      setTimeout(() => resolve([]), 5_000);
    });
    for (const e of entries as Array<PerformanceEntry & { identifier: string; renderTime: number }>) at[e.identifier] = e.renderTime;
    return at;
  }, painted);

const chrome = await launchWithExtension(extensionDir);
// Element Timing for the first row's address, set before the frame that paints it.
await chrome.context.addInitScript(() => {
  const watch = new MutationObserver(() => {
    const address = document.querySelector('.account .email');
    if (!address) return;
    address.setAttribute('elementtiming', 'first-row-painted');
    watch.disconnect();
  });
  watch.observe(document, { childList: true, subtree: true });
});
await chrome.worker.evaluate(
  ([serverUrl, apiToken]) => (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }).chrome.storage.local.set({ serverUrl, apiToken }),
  [`http://127.0.0.1:${port}`, token],
);
const popups: Record<string, number>[] = [];
const empties: Record<string, number>[] = [];
for (let i = 0; i <= OPENINGS; i++) {
  // Turn about, so that the machine's other work weighs on both alike.
  for (const which of i % 2 ? (['empty', 'popup'] as const) : (['popup', 'empty'] as const)) {
    if (which === 'empty') {
      const page = await chrome.open(EMPTY_PAGE);
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0 && performance.getEntriesByType('navigation')[0]?.duration > 0);
      if (i > 0) empties.push(await timings(page, 'without'));
      await page.close();
      continue;
    }
    const page = await chrome.open('popup.html');
    await page.waitForFunction((n) => document.querySelectorAll('.account').length === n, MAILBOXES, { timeout: 30_000 });
    const at = await timings(page, 'with element timing');
    if (!at['first-row-painted']) throw new Error('Chromium reported no paint of the first row (Element Timing).');
    // The first opening fills the cache.
    if (i > 0) popups.push(at);
    await page.close();
  }
}
await chrome.close();
http.close();
await rg.close();
rmSync(dataDir, { recursive: true, force: true });
rmSync(extensionDir, { recursive: true, force: true });

const ms = (x: number) => `${x.toFixed(0)} ms`;
const of = (rows: Record<string, number>[], key: string) => rows.map((r) => r[key]);
const step = (from: string, to: string) => median(popups.map((r) => r[to] - r[from]));

const firstList = of(popups, POPUP_MARKS.firstList);
const emptyLoaded = median(of(empties, 'loaded'));
report({
  name: `popup first render, ${num(MAILBOXES)} mailboxes (opening → list committed to the page, Chromium)`,
  value: ms(median(firstList)),
  reference: `empty extension page loaded: ${ms(emptyLoaded)}`,
  ratio: median(firstList) / emptyLoaded,
  goal: '≤ 100 ms',
  met: median(firstList) <= 100,
  runs: runsOf(firstList, (t) => t.toFixed(0)),
});
const painted = of(popups, 'first-row-painted');
const emptyPainted = median(of(empties, 'first-contentful-paint'));
report({
  name: `popup list painted, ${num(MAILBOXES)} mailboxes (opening → frame with the first row presented)`,
  value: ms(median(painted)),
  reference: `empty extension page's first contentful paint: ${ms(emptyPainted)}`,
  ratio: median(painted) / emptyPainted,
  runs: runsOf(painted, (t) => t.toFixed(0)),
});
const steps: Array<[string, number]> = [
  ['opening → HTML parsed (the empty page: ' + ms(median(of(empties, 'htmlParsed'))) + ')', median(of(popups, 'htmlParsed'))],
  ['HTML parsed → popup code running', step('htmlParsed', POPUP_MARKS.codeRunning)],
  ['code running → cached list read', step(POPUP_MARKS.codeRunning, POPUP_MARKS.cacheRead)],
  ['cached list read → list committed', step(POPUP_MARKS.cacheRead, POPUP_MARKS.firstList)],
  ['list committed → painted', step(POPUP_MARKS.firstList, 'first-row-painted')],
];
for (const [name, value] of steps) report({ name: `  of which: ${name}`, value: ms(value), runs: `median of ${popups.length}` });

const out = path.resolve(EXTENSION_DIR);
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
const html = readFileSync(path.join(out, 'popup.html'), 'utf8');
const popupFiles = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => path.join(out, m[1]));
const total = popupFiles.reduce((s, f) => s + statSync(f).size, 0);
const gz = popupFiles.reduce((s, f) => s + gzipSync(readFileSync(f)).length, 0);
report({ name: 'popup bundle', value: `${(total / 1024).toFixed(1)} KiB (${(gz / 1024).toFixed(1)} KiB gzipped)`, runs: `${popupFiles.length} files; whole extension ${(files(out).reduce((s, f) => s + statSync(f).size, 0) / 1024).toFixed(1)} KiB` });
