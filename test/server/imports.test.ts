/**
 * Bulk re-authentication by CSV, on real servers: a file mixing new mailboxes, existing ones
 * (broken, working, unchanged), wrong passwords and invalid rows ends with the exact outcome
 * for every row, fixes the broken mailboxes (their held email goes out), keeps a working one
 * working, and emails its importer a report with the per-row CSV attached.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, ImportUpload, ImportView, StatusResponse } from '../../shared/api.ts';
import { newAccountRow } from '../../server/accounts/new-row.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const NEW = Array.from({ length: 20 }, (_, i) => `rep${String(i + 1).padStart(2, '0')}@acme.test`);
const FIXED = 'broken@acme.test'; // needs_reauth in Regrant; the file has its new password
const WORKING = 'working@acme.test'; // connected; the file has a wrong password
const SAME = 'same@acme.test'; // connected; the file has the settings Regrant already has
const GOOGLE = 'ceo@acme.test'; // a Google mailbox in Regrant
const password = (email: string) => `pw-${email.split('@')[0]}`;
const ALL = [...NEW, FIXED, WORKING, SAME, 'wrongpw@acme.test', 'wrongimap@acme.test', 'twice@acme.test', 'down@acme.test'];

let imap: Dovecot;
let smtp: TestSmtp;
let notify: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let closedPort: number;

beforeAll(async () => {
  const users = Object.fromEntries(ALL.map((e) => [e, password(e)]));
  imap = await startDovecot(users);
  smtp = await startSmtp(users);
  notify = await startSmtp({}, { authOptional: true });
  closedPort = await freePort();
  rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, NOTIFY_FROM: 'Regrant <regrant@acme.test>', WORKSPACE_NAME: 'Acme', CHECK_CONCURRENCY: '8' });
  admin = await rg.user('admin@acme.test', 'admin');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop(), notify?.stop()]);
});

const row = (email: string, o: { pw?: string; imapPw?: string; port?: string; security?: string; smtpPort?: number; name?: string } = {}) =>
  [email, o.name ?? '', '127.0.0.1', o.port ?? String(o.smtpPort ?? smtp.port), o.security ?? 'none', email, o.pw ?? password(email), '127.0.0.1', String(imap.port), 'none', email, o.imapPw ?? o.pw ?? password(email)];

const cell = (v: string) => (/[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: string[][], delimiter = ',') =>
  ['Email,Name,SMTP Server,SMTP Port,SMTP Security,SMTP User,SMTP Password,IMAP Server,IMAP Port,IMAP Security,IMAP User,IMAP Password'.replaceAll(',', delimiter), ...rows.map((r) => r.map(cell).join(delimiter))].join('\r\n');

async function upload(client: Client, body: string | Uint8Array) {
  return client.request('POST', '/api/imports', body, { 'content-type': 'text/csv' });
}

async function runToEnd(client: Client, id: string, mapping: Record<string, string>, updateExisting: boolean): Promise<ImportView> {
  const started = await client.post(`/api/imports/${id}/run`, { mapping, updateExisting });
  expect(started.status).toBe(202);
  return eventually(async () => {
    const view = (await (await client.get(`/api/imports/${id}`)).json()) as ImportView;
    return view.state === 'finished' && view.report?.state === 'sent' && view;
  }, 60_000);
}

it('a file of 35 rows ends with the exact outcome of every row, fixes the broken mailbox and emails the report', async () => {
  // Already in Regrant: one broken (with an email waiting), one working, one unchanged, one Google.
  const make = async (email: string, pw: string) => (await (await admin.post('/api/accounts', customMailbox(email, smtp, imap, pw))).json()) as AccountView;
  const broken = await make(FIXED, 'old-password');
  const working = await make(WORKING, password(WORKING));
  const same = await make(SAME, password(SAME));
  for (const a of [broken, working, same]) await admin.post(`/api/accounts/${a.id}/check`);
  expect(((await (await admin.get(`/api/accounts/${broken.id}`)).json()) as AccountView).state).toBe('needs_reauth');
  const held = await (await admin.post('/api/messages', { accountId: broken.id, to: 'lead@example.test', subject: 'Held while broken', text: 'Hello' })).json();
  const adminId = (await rg.db.selectFrom('users').select('id').where('email', '=', 'admin@acme.test').executeTakeFirstOrThrow()).id;
  await rg.db.insertInto('accounts').values({ ...newAccountRow({ id: 'acc_google', email: GOOGLE, ownerId: adminId, provider: 'google', now: new Date().toISOString() }), state: 'needs_reauth' }).execute();
  const before = (await (await admin.get('/api/status')).json()) as StatusResponse;
  expect(before.counts.needsReauth).toBe(2);

  const rows = [
    ...NEW.slice(0, 10).map((e) => row(e)),
    [''], // a blank line is not a row
    ...NEW.slice(10, 19).map((e) => row(e)),
    row(NEW[19], { name: 'Sales, EMEA\n"north" team' }), // quoted: a comma, a line break, quotes
    row(FIXED),
    row(WORKING, { pw: 'typo' }),
    row(SAME),
    row(GOOGLE),
    row('wrongpw@acme.test', { pw: 'nope' }),
    row('wrongimap@acme.test', { imapPw: 'nope', pw: password('wrongimap@acme.test') }),
    row('not-an-address'),
    row('=HYPERLINK("http://evil.test","x")@acme'),
    row('port@acme.test', { port: 'abc' }),
    row('range@acme.test', { port: '70000' }),
    row('secure@acme.test', { security: 'magic' }),
    row('twice@acme.test'),
    row('twice@acme.test'),
    row('someone@gmail.com'),
    row('down@acme.test', { smtpPort: closedPort }),
  ];
  const file = csv(rows);
  const uploaded = await upload(admin, file);
  expect(uploaded.status).toBe(201);
  const up = (await uploaded.json()) as ImportUpload;
  expect(up.total).toBe(35);
  expect(up.delimiter).toBe(',');
  expect(up.headers[2]).toBe('SMTP Server');
  expect(up.suggestedMapping).toEqual({
    email: 'Email', name: 'Name', smtp_host: 'SMTP Server', smtp_port: 'SMTP Port', smtp_security: 'SMTP Security', smtp_username: 'SMTP User', smtp_password: 'SMTP Password',
    imap_host: 'IMAP Server', imap_port: 'IMAP Port', imap_security: 'IMAP Security', imap_username: 'IMAP User', imap_password: 'IMAP Password',
  });
  expect(up.preview[0]).toMatchObject({ Email: NEW[0], 'SMTP Password': '••••••', 'IMAP Password': '••••••' });
  expect(JSON.stringify(up)).not.toContain(password(NEW[0]));

  const view = await runToEnd(admin, up.id, up.suggestedMapping as Record<string, string>, true);
  const outcome = Object.fromEntries(view.rows.map((r) => [r.line, `${r.status}${r.error ? `:${r.error.code}` : ''}`]));
  const expected: Record<number, string> = {};
  NEW.slice(0, 10).forEach((_, i) => (expected[i + 2] = 'created'));
  NEW.slice(10).forEach((_, i) => (expected[i + 13] = 'created')); // after the blank line 12
  Object.assign(expected, {
    24: 'updated', // FIXED (line 23 is the second line of the quoted name)
    25: 'failed:smtp_auth_failed', // WORKING with a typo
    26: 'skipped:unchanged',
    27: 'failed:oauth_mailbox',
    28: 'failed:smtp_auth_failed',
    29: 'failed:imap_auth_failed',
    30: 'failed:invalid_email',
    31: 'failed:invalid_email',
    32: 'failed:invalid_port',
    33: 'failed:invalid_port',
    34: 'failed:invalid_security',
    35: 'failed:duplicate_mailbox',
    36: 'failed:duplicate_mailbox',
    37: 'failed:oauth_mailbox',
    38: 'failed:connection_refused',
  });
  expect(outcome).toEqual(expected);
  expect(view).toMatchObject({ total: 35, done: 35, counts: { created: 20, updated: 1, skipped: 1, failed: 13 }, updateExisting: true });
  expect(view.rows.find((r) => r.line === 24)).toMatchObject({ email: FIXED, state: 'connected', accountId: broken.id });
  expect(view.rows.find((r) => r.line === 35)!.error!.message).toBe('twice@acme.test is also on line 36: keep one row per mailbox');
  expect(view.rows.find((r) => r.line === 32)!.error!.message).toContain('"abc" is not a port');
  expect(view.rows.find((r) => r.line === 27)!.error!.message).toContain('re-grant it with "Continue with Google"');
  expect(view.rows.find((r) => r.line === 25)!.error!.message).toContain('keeps its working settings');

  // The new mailboxes exist, connected, the multi-line name intact; the failed ones were not created.
  const listed = ((await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] }).accounts;
  const byEmail = new Map(listed.map((a) => [a.email, a]));
  for (const e of NEW) expect(byEmail.get(e)?.state).toBe('connected');
  expect(byEmail.get(NEW[19])?.name).toBe('Sales, EMEA\n"north" team');
  for (const e of ['wrongpw@acme.test', 'wrongimap@acme.test', 'twice@acme.test', 'down@acme.test', 'port@acme.test']) expect(byEmail.has(e)).toBe(false);
  // The working mailbox kept its working password and stayed connected.
  expect((await (await admin.post(`/api/accounts/${working.id}/check`)).json()) as AccountView).toMatchObject({ state: 'connected' });
  // The fixed mailbox's held email went out; it left the badge count.
  await eventually(() => smtp.received.some((m) => m.subject === 'Held while broken' && m.user === FIXED));
  expect((await (await admin.get(`/api/messages/${held.id}`)).json()).state).toBe('sent');
  const after = (await (await admin.get('/api/status')).json()) as StatusResponse;
  expect(after.counts).toMatchObject({ total: 24, needsReauth: 1, connected: 23 });

  // The report: to the importer, a summary, the CSV attached; no password, no live formula.
  const mail = notify.received.find((m) => m.to.includes('admin@acme.test') && /import finished/.test(m.subject));
  expect(mail).toBeDefined();
  expect(mail!.subject).toBe('Acme: import finished: 21 of 35 mailboxes created or updated, 13 failed');
  const parsed = await simpleParser(mail!.raw);
  expect(parsed.text).toContain('Created: 20');
  expect(parsed.text).toContain('line 29, wrongimap@acme.test: The IMAP server rejected the username or password.');
  expect(parsed.attachments).toHaveLength(1);
  const attached = parsed.attachments[0];
  expect(attached.contentType).toBe('text/csv');
  expect(attached.filename).toMatch(/^regrant-import-\d{4}-\d{2}-\d{2}-imp_.+\.csv$/);
  expect([...attached.content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM: Excel reads it as UTF-8
  const report = attached.content.toString('utf8').replace(/^\uFEFF/, '');
  expect(report.split('\r\n')[0]).toBe('line,email,status,mailbox_state,reason_code,reason');
  expect(report).toContain(`24,${FIXED},updated,connected,,`);
  expect(report).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")@acme",failed`); // not a live formula
  expect(report).toContain(`30,,failed,,invalid_email,Email address: the cell is not a valid email address`); // no @: never repeated
  expect(report.trim().split('\r\n')).toHaveLength(36);
  for (const e of ALL) expect(mail!.raw).not.toContain(password(e));
  expect(mail!.raw).not.toContain('nope');
  expect(mail!.raw).not.toContain('old-password');
  // The same file as a download; the API never shows a password either.
  const download = await admin.get(`/api/imports/${up.id}/report.csv`);
  expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(await download.text()).toBe(report);
  const json = JSON.stringify(await (await admin.get(`/api/imports/${up.id}`)).json());
  for (const e of ALL) expect(json).not.toContain(password(e));

  // The file is gone once the run ended (it held passwords); the results stay.
  const stored = await rg.db.selectFrom('imports').select(['sealed_file', 'state']).where('id', '=', up.id).executeTakeFirstOrThrow();
  expect(stored).toEqual({ sealed_file: null, state: 'finished' });
  expect((await admin.post(`/api/imports/${up.id}/run`, { mapping: up.suggestedMapping, updateExisting: true })).status).toBe(409);

  // The same file again, without "Update inbox if it exists": every saved mailbox is skipped.
  const again = (await (await upload(admin, file)).json()) as ImportUpload;
  const second = await runToEnd(admin, again.id, again.suggestedMapping as Record<string, string>, false);
  expect(second.rows.find((r) => r.line === 2)).toMatchObject({ status: 'skipped', error: { code: 'account_exists' }, state: 'connected' });
  expect(second.counts).toEqual({ created: 0, updated: 0, skipped: 23, failed: 12 });
}, 120_000);
