/**
 * A fleet of 300 mailboxes on the accounts page, in real Chromium with the built extension,
 * against a Regrant on a real port, Dovecot, smtp-server and the Google stand-in: 280 custom
 * mailboxes (160 whose passwords changed on both servers, 60 whose IMAP password changed, 20 on
 * a server that does not answer, 40 fine) and 20 Gmail ones (15 whose grant was revoked). The
 * page groups the broken ones by cause with counts and filters by state; by keyboard, an admin
 * selects the Gmail group and copies its share links; selects the two password causes,
 * exports them, fills the real new passwords into the file, imports it back, and the 220
 * mailboxes reconnect; checks and then removes the unreachable ones. axe-core finds nothing
 * on the page with a selection and an outcome showing.
 *
 * Custom mailboxes get share links too: their repair links, where the holder types the new
 * password. Every copied line is a link.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, StatusResponse } from '../../shared/api.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';
import { saveToken } from '../support/options-page.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${String(k + 1).padStart(3, '0')}@fleet.test`);
const BOTH = range('both', 160);
const IMAP_ONLY = range('imap', 60);
const DOWN = range('down', 20);
const FINE = range('fine', 40);
// Few enough to connect through the consent pages (three requests each) within their limit per address, 60 a minute.
const REVOKED = range('gone', 15);
const GMAIL_OK = range('gm', 5);
const OLD = 'old-password';
const fresh = (email: string) => `N3w-${email.split('@')[0]}!`;

/** Runs `work` over `items`, `n` at a time (set-up only: Regrant's checks are real sign-ins). */
async function inBatches<T>(items: T[], n: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(work));
}

describe('a fleet of 300 mailboxes on the accounts page', () => {
  let world: OAuthWorld;
  let http: Server;
  let serverUrl: string;
  let admin: Client;
  let chrome: ExtensionBrowser;
  let page: Page;
  const ids = new Map<string, string>();
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - start;
    }
  };

  beforeAll(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    const custom = [...BOTH, ...IMAP_ONLY, ...FINE];
    world = await startOAuthWorld([...REVOKED, ...GMAIL_OK], { PUBLIC_URL: serverUrl }, {});
    http = createHttpServer(world.rg.app.fetch);
    await listen(http, port, '127.0.0.1');
    admin = await world.rg.user('boss@fleet.test', 'admin');

    await world.imap.setPasswords(Object.fromEntries(custom.map((e) => [e, OLD])));
    for (const e of custom) world.smtp.setPassword(e, OLD);
    const closed = await freePort();
    await inBatches([...custom, ...DOWN], 20, async (email) => {
      const body = DOWN.includes(email) ? customMailbox(email, { port: closed }, { port: closed }, OLD) : customMailbox(email, world.smtp, world.imap, OLD);
      const res = await admin.post('/api/accounts', body);
      expect(res.status).toBe(201);
      ids.set(email, ((await res.json()) as AccountView).id);
    });
    for (const email of [...REVOKED, ...GMAIL_OK]) ids.set(email, (await world.connect(admin, 'google', email)).id);

    // The passwords change: on both servers for BOTH, on Dovecot only for IMAP_ONLY.
    await world.imap.setPasswords(Object.fromEntries([...BOTH, ...IMAP_ONLY].map((e) => [e, fresh(e)])));
    for (const e of BOTH) world.smtp.setPassword(e, fresh(e));
    for (const e of REVOKED) world.google.revoke(e);
    const check = async (email: string) => ((await (await admin.post(`/api/accounts/${ids.get(email)}/check`)).json()) as AccountView).state;
    await inBatches([...BOTH, ...IMAP_ONLY, ...REVOKED], 20, async (e) => expect(await check(e)).toBe('needs_reauth'));
    await inBatches(FINE, 20, async (e) => expect(await check(e)).toBe('connected'));
    // Three checks without an answer make a mailbox unreachable.
    for (let k = 0; k < 3; k++) await inBatches(DOWN, 20, check);
    await inBatches(DOWN, 20, async (e) => expect(await check(e)).toBe('unreachable'));

    chrome = await launchWithExtension();
    await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await saveToken(await chrome.open('options.html'), serverUrl, admin.token);
    page = await chrome.open('accounts.html');
    page.setDefaultTimeout(20_000);
  }, 600_000);

  afterAll(async () => {
    console.log('fleet timings (ms):', JSON.stringify(timings));
    await chrome?.close();
    await new Promise((r) => (http ? http.close(r) : r(null)));
    await world?.stop();
  });

  const chips = () => page.getByRole('group', { name: 'Show mailboxes by state' });
  const chip = (name: string) => chips().getByRole('button', { name: new RegExp(`^${name} `) });
  /** The checkbox of the group of `count` mailboxes. */
  const groupOf = (count: number) => page.locator('li.group-head', { has: page.locator('h2', { hasText: new RegExp(`\\(${count}\\)$`) }) }).getByRole('checkbox');
  const toolbar = () => page.getByRole('toolbar', { name: 'Selected mailboxes' });
  const selectedSays = () => page.locator('.selected-count').textContent();
  const outcome = () => page.locator('.fleet-outcome .result');
  const status = async () => (await (await admin.get('/api/status')).json()) as StatusResponse;

  it('groups the broken mailboxes by cause with counts, and the chips filter by state', async () => {
    await timed('first render of 300', () => page.locator('li.row').nth(299).waitFor());
    expect(await chip('All').textContent()).toBe('All 300');
    expect(await chip('Needs re-authentication').textContent()).toBe('Needs re-authentication 235');
    expect(await chip('Unreachable').textContent()).toBe('Unreachable 20');
    expect(await chip('Connected').textContent()).toBe('Connected 45');
    const groups = await page.locator('li.group-head h2').allTextContents();
    // Largest cause first; the causes' sentences come from the server (its words, with the count).
    expect(groups.map((g) => /\((\d+)\)$/.exec(g)?.[1])).toEqual(['160', '60', '20', '15', '45']);
    // The server names the cause by what the mailboxes share most narrowly (here their domain).
    expect(groups[3]).toMatch(/ended the grant for 15 mailboxes/);
    expect(groups[4]).toBe('Connected (45)');

    await chip('Unreachable').click();
    expect(await chip('Unreachable').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('li.row').count()).toBe(20);
    expect(await page.locator('li.row .email').allTextContents()).toEqual(DOWN);
    await chip('All').click();
    expect(await page.locator('li.row').count()).toBe(300);
  });

  it('by keyboard: the Gmail group is selected and its share links copied, one line per mailbox', async () => {
    await groupOf(15).focus();
    await page.keyboard.press('Space');
    expect(await selectedSays()).toBe('15 mailboxes selected');
    // The IMAP cause's custom mailboxes too: their repair links.
    await groupOf(60).check();
    expect(await selectedSays()).toBe('75 mailboxes selected');
    // Arrow keys walk the toolbar: from Select all shown to Copy share links.
    await toolbar().getByRole('button', { name: /^Select all shown/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Copy share links');
    await timed('copy 75 share links', async () => {
      await page.keyboard.press('Enter');
      await outcome().getByText(/^Copied \d+ share links?/).or(outcome().getByText(/^No share link/)).waitFor({ timeout: 60_000 });
    });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const [linkPart, refusedPart = ''] = copied.split('\n\nNo link for these mailboxes:\n');
    const links = new Map(linkPart.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
    const refused = new Map(refusedPart.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
    const link = new RegExp(`^${serverUrl}/r/[A-Za-z0-9_-]{22,}$`);
    for (const e of [...REVOKED, ...IMAP_ONLY]) expect(links.get(e), e).toMatch(link);
    expect(refused).toEqual(new Map());
    expect(links.size).toBe(75);
    await page.keyboard.press('Escape');
    expect(await selectedSays()).toBe('0 mailboxes selected');
  });

  it('the two password causes are exported, the new passwords filled in and imported back, and the 220 mailboxes reconnect', async () => {
    await groupOf(160).check();
    await groupOf(60).check();
    expect(await selectedSays()).toBe('220 mailboxes selected');
    const [download] = await timed('export 220', () => Promise.all([page.waitForEvent('download'), toolbar().getByRole('button', { name: 'Export for bulk re-authentication' }).click()]));
    expect(download.suggestedFilename()).toMatch(/^regrant-reauth-\d{4}-\d{2}-\d{2}\.csv$/);
    await outcome().getByText(/^Saved 220 SMTP\/IMAP mailboxes as regrant-reauth-/).waitFor();
    const text = readFileSync((await download.path())!, 'utf8');
    const [head, ...rows] = parse(text, { bom: true }) as string[][];
    expect(rows.map((r) => r[0]).sort()).toEqual([...BOTH, ...IMAP_ONLY].sort());
    const col = (name: string) => head.indexOf(name);
    for (const r of rows) {
      for (const [k, cell] of r.entries()) if (!['smtp_password', 'imap_password', 'name'].includes(head[k])) expect(cell, `${r[0]} ${head[k]}`).not.toBe('');
      expect([r[col('smtp_password')], r[col('imap_password')]]).toEqual(['', '']);
    }

    // A person types the passwords each server now has into the two empty columns.
    for (const r of rows) {
      const email = r[col('email')];
      r[col('smtp_password')] = BOTH.includes(email) ? fresh(email) : OLD;
      r[col('imap_password')] = fresh(email);
    }
    const filled = path.join(mkdtempSync(path.join(os.tmpdir(), 'regrant-fleet-')), 'filled.csv');
    writeFileSync(filled, stringify([head, ...rows], { record_delimiter: 'windows' }));

    await outcome().locator('xpath=..').getByRole('button', { name: 'Add in bulk' }).click();
    await page.getByRole('heading', { name: 'Add mailboxes in bulk' }).waitFor();
    await page.getByLabel('CSV file').setInputFiles(filled);
    await page.getByRole('region', { name: 'Preview of the file' }).waitFor();
    await page.getByLabel('Update inbox if it exists').check();
    await timed('import 220', async () => {
      await page.getByRole('button', { name: 'Start import' }).click();
      await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 120_000 });
    });
    expect(await page.locator('.import-results .summary').textContent()).toMatch(/220 updated/);

    const after = await status();
    expect(after.accounts.filter((a) => [...BOTH, ...IMAP_ONLY].includes(a.email)).map((a) => a.state)).toEqual(Array(220).fill('connected'));
    // The page follows: the chips count them connected.
    await timed('page shows them connected', () => eventually(async () => (await chip('Connected').textContent()) === 'Connected 265', 30_000));
    expect(await chip('Needs re-authentication').textContent()).toBe('Needs re-authentication 15');
  });

  it('the unreachable ones are checked with progress, then removed after a confirmation naming how many; axe-core finds nothing', async () => {
    await page.locator('li.row .select').first().focus();
    await page.keyboard.press('Escape');
    expect(await selectedSays()).toBe('0 mailboxes selected');
    await chip('Unreachable').click();
    await toolbar().getByRole('button', { name: 'Select all shown (20)' }).click();
    expect(await selectedSays()).toBe('20 mailboxes selected');
    await chip('All').click();
    await timed('check 20', async () => {
      await toolbar().getByRole('button', { name: 'Check selected' }).click();
      await outcome().getByText('Checked 20 mailboxes: 20 unreachable.').waitFor({ timeout: 60_000 });
    });

    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      const result = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
    });
    expect(violations).toEqual([]);

    await toolbar().getByRole('button', { name: 'Remove selected' }).click();
    await page.getByText('Remove 20 mailboxes from Regrant?').waitFor();
    expect((await status()).counts.total).toBe(300);
    await page.getByRole('button', { name: 'Remove 20 mailboxes' }).click();
    await outcome().getByText('Removed 20 mailboxes.').waitFor({ timeout: 60_000 });
    expect((await status()).counts).toMatchObject({ total: 280, unreachable: 0 });
    await eventually(async () => (await chip('All').textContent()) === 'All 280');
    expect(await selectedSays()).toBe('0 mailboxes selected');
  });
});
