/**
 * Settings are saved only when they work, and the API and the CSV import agree on what a
 * mailbox's settings may be: one table of cases through both, a wrong port on a connected
 * mailbox refused by both with the mailbox still connected, a new mailbox tested before it is
 * saved, and the held emails of a removed mailbox answering `failed`, `mailbox_removed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, ImportView, MessageView } from '../../shared/api.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';

const MAILBOX = 'desk@acme.test';
const PASSWORD = 'desk-pass';

let world: CustomWorld;
let admin: Client;
let closed: number;

beforeAll(async () => {
  world = await startCustomWorld(MAILBOX, PASSWORD);
  admin = await world.rg.user('admin@acme.test', 'admin');
  closed = await freePort();
});
afterAll(() => world?.stop());

const HEADER = 'email,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password';
const IDENTITY = Object.fromEntries(HEADER.split(',').map((f) => [f, f]));

async function importRows(client: Client, lines: string[][], updateExisting = false): Promise<ImportView> {
  const body = [HEADER, ...lines.map((l) => l.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))].join('\r\n');
  const uploaded = (await (await client.request('POST', '/api/imports', body, { 'content-type': 'text/csv' })).json()) as { id: string };
  expect((await client.post(`/api/imports/${uploaded.id}/run`, { mapping: IDENTITY, updateExisting })).status).toBe(202);
  return eventually(async () => {
    const view = (await (await client.get(`/api/imports/${uploaded.id}`)).json()) as ImportView;
    return view.state === 'finished' && view;
  }, 30_000);
}

const current = async (id: string) => (await (await world.owner.get(`/api/accounts/${id}`)).json()) as AccountView;

describe('the API and the import accept and refuse the same mailboxes', () => {
  /** [what, email, SMTP host, SMTP port, SMTP security, SMTP username, SMTP password, accepted] */
  type Case = [string, string, string, string, string, string, string, boolean];
  const long = (n: number) => 'x'.repeat(n);
  const cases: Case[] = [
    ['plain settings', 'c1@acme.test', '127.0.0.1', 'PORT', 'starttls', 'c1', 'pw', true],
    ['"ssl" for tls', 'c2@acme.test', '127.0.0.1', 'PORT', 'ssl', 'c2', 'pw', true],
    ['"SSL/TLS" for tls', 'c3@acme.test', '127.0.0.1', 'PORT', 'SSL/TLS', 'c3', 'pw', true],
    ['no security on port 465', 'c4@acme.test', '127.0.0.1', '465', '', 'c4', 'pw', true],
    ['no security on port 587', 'c5@acme.test', '127.0.0.1', '587', '', 'c5', 'pw', true],
    ['a port past 65535', 'c6@acme.test', '127.0.0.1', '70000', 'tls', 'c6', 'pw', false],
    ['port 0', 'c7@acme.test', '127.0.0.1', '0', 'tls', 'c7', 'pw', false],
    ['a port in words', 'c8@acme.test', '127.0.0.1', 'nine', 'tls', 'c8', 'pw', false],
    ['a port in exponent form', 'c9@acme.test', '127.0.0.1', '1e3', 'tls', 'c9', 'pw', false],
    ['an unknown security', 'c10@acme.test', '127.0.0.1', 'PORT', 'ssh', 'c10', 'pw', false],
    ['a host with a space', 'c11@acme.test', 'mail acme.test', 'PORT', 'tls', 'c11', 'pw', false],
    ['an address that is not one', 'not-an-address', '127.0.0.1', 'PORT', 'tls', 'c12', 'pw', false],
    ['a Gmail address', 'c13@gmail.com', '127.0.0.1', 'PORT', 'tls', 'c13', 'pw', false],
    ['an Office 365 server', 'c14@acme.test', 'smtp.office365.com', '587', 'starttls', 'c14', 'pw', false],
    ['a username of 256 characters', 'c15@acme.test', '127.0.0.1', 'PORT', 'tls', long(256), 'pw', false],
    ['a password of 1025 characters', 'c16@acme.test', '127.0.0.1', 'PORT', 'tls', 'c16', long(1025), false],
  ];
  const port = (p: string) => (p === 'PORT' ? String(closed) : p);

  it('one table of cases, run through POST /api/accounts and through an import', async () => {
    const api: boolean[] = [];
    for (const [, email, host, p, security, username, password] of cases) {
      const side = { host, port: /^\d+$/.test(port(p)) ? Number(port(p)) : port(p), ...(security ? { security } : {}), username, password };
      const res = await admin.post('/api/accounts', { email, smtp: side, imap: { host: '127.0.0.1', port: closed, security: 'none', username, password } });
      expect([201, 422]).toContain(res.status);
      api.push(res.status === 201);
    }
    // The same mailboxes again through the import (for admins: updating what the API saved).
    const lines = cases.map(([, email, host, p, security, username, password]) => [email, host, port(p), security, username, password, '127.0.0.1', String(closed), 'none', username, password]);
    const view = await importRows(admin, lines, true);
    // Accepted by the import: written, or refused only by the sign-in test that follows validation.
    const CONTENT = ['invalid_port', 'invalid_security', 'invalid_value', 'invalid_email', 'missing_value', 'oauth_mailbox'];
    const imported = cases.map(([, email], i) => {
      const row = view.rows!.find((r) => r.line === i + 2)!;
      expect(row, email).toBeDefined();
      return row.status !== 'failed' || !CONTENT.includes(row.error!.code);
    });
    const table = cases.map(([what, , , , , , , accepted], i) => ({ what, accepted, api: api[i], import: imported[i] }));
    expect(table).toEqual(cases.map(([what, , , , , , , accepted]) => ({ what, accepted, api: accepted, import: accepted })));
    // Left out, the security follows the port: TLS from the start on 465, STARTTLS elsewhere.
    const saved = (await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] };
    const security = (email: string) => saved.accounts.find((a) => a.email === email)?.smtp?.security;
    expect([security('c2@acme.test'), security('c4@acme.test'), security('c5@acme.test')]).toEqual(['tls', 'tls', 'starttls']);
  });
});

describe('a wrong port on a connected mailbox', () => {
  it('is refused through the API with the reason in words; the mailbox stays connected on its old settings', async () => {
    const before = await current(world.account.id);
    expect(before.state).toBe('connected');
    const res = await world.owner.patch(`/api/accounts/${world.account.id}`, { smtp: { port: closed, password: PASSWORD } });
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as ApiErrorBody;
    expect(error.code).toBe('signin_failed');
    expect(error.message).toMatch(/^The new sending \(SMTP\) settings did not work, so nothing was saved: .+ The mailbox stays connected with its saved settings\.$/);
    const after = await current(world.account.id);
    expect(after.state).toBe('connected');
    expect(after.smtp).toEqual(before.smtp);
    expect(after.updatedAt).toBe(before.updatedAt);
  });

  it('is refused through the import the same way', async () => {
    const before = await current(world.account.id);
    const line = [MAILBOX, '127.0.0.1', String(closed), 'none', MAILBOX, PASSWORD, '127.0.0.1', String(world.imap.port), 'none', MAILBOX, PASSWORD];
    const view = await importRows(world.owner, [line], true);
    expect(view.rows).toMatchObject([{ line: 2, status: 'failed', error: { code: 'connection_refused', message: expect.stringMatching(/Nothing was saved; the mailbox keeps its working settings\.$/) } }]);
    const after = await current(world.account.id);
    expect(after.state).toBe('connected');
    expect(after.smtp).toEqual(before.smtp);
  });

  it('the right settings pass their test and are saved', async () => {
    const res = await world.owner.patch(`/api/accounts/${world.account.id}`, { imap: { password: PASSWORD, username: MAILBOX } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AccountView).state).toBe('connected');
  });
});

describe('a new mailbox tested before it is saved (?test=true)', () => {
  it('a failing sign-in saves nothing; a passing one saves it connected', async () => {
    const failing = customMailbox('tried@acme.test', world.smtp, world.imap, 'wrong-password');
    const refused = await world.owner.post('/api/accounts?test=true', failing);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as ApiErrorBody).error).toMatchObject({ code: 'signin_failed', message: expect.stringContaining('nothing was saved') });
    const list = (await (await world.owner.get('/api/accounts')).json()) as { accounts: AccountView[] };
    expect(list.accounts.map((a) => a.email)).not.toContain('tried@acme.test');

    // Known to both servers: tested, saved, and connected at once.
    world.smtp.setPassword('tried@acme.test', 'right-password');
    await world.imap.addUser('tried@acme.test', 'right-password');
    const passing = await world.owner.post('/api/accounts?test=true', customMailbox('tried@acme.test', world.smtp, world.imap, 'right-password'));
    expect(passing.status).toBe(201);
    expect(((await passing.json()) as AccountView).state).toBe('connected');
  });
});

describe('removing a mailbox', () => {
  it('drops its held emails, which then answer failed with the reason mailbox_removed; only for those who could see them', async () => {
    const held = (await (await world.owner.post('/api/accounts', customMailbox('held@acme.test', { port: closed }, { port: closed }, 'pw'))).json()) as AccountView;
    const queued = [] as string[];
    for (const subject of ['One', 'Two']) {
      const res = await world.owner.post('/api/messages', { accountId: held.id, to: 'lead@example.test', subject, text: 'Hello' });
      expect(res.status).toBe(202);
      queued.push(((await res.json()) as { id: string }).id);
    }
    expect((await current(held.id)).pendingEmails).toBe(2);
    const stranger = await world.rg.user('stranger@acme.test', 'member');
    expect((await stranger.request('DELETE', `/api/accounts/${held.id}`)).status).toBe(404);
    expect((await world.owner.request('DELETE', `/api/accounts/${held.id}`)).status).toBe(204);
    for (const id of queued) {
      const view = (await (await world.owner.get(`/api/messages/${id}`)).json()) as MessageView;
      expect(view).toMatchObject({ id, state: 'failed', error: { code: 'mailbox_removed', message: 'Not sent: its mailbox held@acme.test was removed from Regrant.' } });
      expect((await admin.get(`/api/messages/${id}`)).status).toBe(200);
      expect((await stranger.get(`/api/messages/${id}`)).status).toBe(404);
    }
  });
});
