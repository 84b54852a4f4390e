/**
 * accounts/ is the one writer of a mailbox's state: a re-grant and an import's reconnection
 * go through the same transition as a check, so each leaves the same marks (an event, a new
 * status version, the trouble of the moment cleared, the reconnection announced), and no
 * other module writes the accounts or users tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent, AccountView, ImportUpload, ImportView } from '../../shared/api.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';

const GMAIL = 'lea@gmail.test';
const CUSTOM = 'ops@acme.test';
let world: OAuthWorld;
let admin: Client;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL]);
  admin = await world.rg.user('boss@acme.test', 'admin');
  await Promise.all([world.imap.addUser(CUSTOM, 'pw-1'), world.smtp.setPassword(CUSTOM, 'pw-1')]);
});
afterAll(() => world?.stop());

const check = async (id: string) => (await (await admin.post(`/api/accounts/${id}/check`)).json()) as AccountView;
const events = async (id: string) => ((await (await admin.get(`/api/accounts/${id}/events?include=trouble`)).json()) as { events: AccountEvent[] }).events;
const etag = async () => (await admin.get('/api/status')).headers.get('etag');

/** Announcements of reconnected mailboxes while `run` runs. */
async function announced(run: () => Promise<unknown>): Promise<string[]> {
  const ids: string[] = [];
  const off = world.rg.health.onReconnected((id) => ids.push(id));
  try {
    await run();
  } finally {
    off();
  }
  return ids;
}

describe('every path goes through the one transition', () => {
  it('a re-grant of a mailbox in trouble: event, new status version, trouble cleared, reconnection announced', async () => {
    const account = await world.connect(admin, 'google', GMAIL);
    world.google.fail(GMAIL, 'server_error', { status: 503 });
    const troubled = await check(account.id);
    world.google.fail(GMAIL, null);
    expect(troubled.state).toBe('connected');
    expect(troubled.trouble?.message).toMatch(/^Trouble with Google's sign-in service just now \(.*\); still counted as connected; next try in 30 s\.$/);

    const before = await etag();
    const ids = await announced(async () => {
      const { url } = (await (await admin.post(`/api/accounts/${account.id}/regrant`)).json()) as { url: string };
      expect((await world.browser().open(url)).html).toMatch(/Reconnected/);
    });
    expect(ids).toEqual([account.id]);
    expect(await etag()).not.toBe(before);
    const after = (await (await admin.get(`/api/accounts/${account.id}`)).json()) as AccountView;
    expect(after).toMatchObject({ state: 'connected', trouble: null, reason: null });
    const [latest, trouble] = await events(account.id);
    expect(latest).toMatchObject({ kind: 'state', from: 'connected', to: 'connected', reason: { code: 'regranted' } });
    expect(trouble).toMatchObject({ kind: 'trouble', reason: { code: 'provider_unavailable' } });
  });

  it('an import that fixes a mailbox: event, new status version, reconnection announced', async () => {
    const created = (await (await admin.post('/api/accounts', customMailbox(CUSTOM, world.smtp, world.imap, 'pw-1'))).json()) as AccountView;
    expect((await check(created.id)).state).toBe('connected');
    await Promise.all([world.imap.setPassword(CUSTOM, 'pw-2'), world.smtp.setPassword(CUSTOM, 'pw-2')]);
    await new Promise((r) => setTimeout(r, 1100)); // Dovecot re-reads its passwd-file at most once a second
    expect((await check(created.id)).state).toBe('needs_reauth');

    const file = [
      'email,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password',
      `${CUSTOM},127.0.0.1,${world.smtp.port},none,${CUSTOM},pw-2,127.0.0.1,${world.imap.port},none,${CUSTOM},pw-2`,
    ].join('\r\n');
    const upload = (await (await admin.request('POST', '/api/imports', file, { 'content-type': 'text/csv' })).json()) as ImportUpload;
    const before = await etag();
    const ids = await announced(async () => {
      expect((await admin.post(`/api/imports/${upload.id}/run`, { mapping: upload.suggestedMapping, updateExisting: true })).status).toBe(202);
      const done = await eventually(async () => {
        const view = (await (await admin.get(`/api/imports/${upload.id}`)).json()) as ImportView;
        return view.state === 'finished' && view;
      }, 20_000);
      expect(done.rows).toMatchObject([{ email: CUSTOM, status: 'updated', state: 'connected' }]);
    });
    expect(ids).toEqual([created.id]);
    expect(await etag()).not.toBe(before);
    const [latest] = await events(created.id);
    expect(latest).toMatchObject({ kind: 'state', from: 'needs_reauth', to: 'connected' });
  });
});

describe('ownership, as the source says it', () => {
  const root = path.resolve(import.meta.dirname, '../../server');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.split(path.sep).join('/'));
  /** The file's code without its comments (doc examples may show any query). */
  const code = (f: string) => readFileSync(path.join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const matching = (pattern: RegExp) => files.filter((f) => pattern.test(code(f)));
  const offenders = (pattern: RegExp, owner: string) => matching(pattern).filter((f) => !f.startsWith(owner) && !f.startsWith('db/migrations/'));

  it('only accounts/ writes or queries the accounts table, and only auth/ the users table', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(offenders(/(updateTable|insertInto|deleteFrom|selectFrom)\(\s*'accounts'/, 'accounts/')).toEqual([]);
    expect(offenders(/(updateTable|insertInto|deleteFrom|selectFrom)\(\s*'users'/, 'auth/')).toEqual([]);
  });

  it('providers never import from health/', () => {
    expect(matching(/from '(\.\.\/)+health\//).filter((f) => f.startsWith('providers/'))).toEqual([]);
  });
});
