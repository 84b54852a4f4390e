/**
 * Fixing custom mailboxes whose passwords changed, through the export: the owner exports the
 * broken ones as the bulk CSV (every column but the passwords), fills in the new passwords,
 * imports the file with "Update inbox if it exists", and the mailboxes reconnect; the held
 * email goes out. Names the formula guard changed come back as they were. A member exports
 * only their own mailboxes.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, ImportUpload, ImportView } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOXES: Record<string, string | null> = { 'ann@acme.test': '-Sales', 'bob@acme.test': '=SUM(1;2)', 'cy@acme.test': "'+quoted", 'dee@acme.test': null };
const EMAILS = Object.keys(MAILBOXES);
const fresh = (email: string) => `new-${email.split('@')[0]}!`;

describe('export for bulk re-authentication', () => {
  let imap: Dovecot;
  let smtp: TestSmtp;
  let rg: TestRegrant;
  let owner: Client;
  let other: Client;
  let admin: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const users = Object.fromEntries(EMAILS.map((e) => [e, 'old-pw']));
    imap = await startDovecot({ ...users, 'zoe@acme.test': 'pw' });
    smtp = await startSmtp({ ...users, 'zoe@acme.test': 'pw' });
    rg = await startRegrant();
    admin = await rg.user('boss@acme.test', 'admin');
    owner = await rg.user('sam@acme.test', 'member');
    other = await rg.user('tia@acme.test', 'member');
    for (const email of EMAILS) {
      const body = { ...customMailbox(email, smtp, imap, 'old-pw'), ...(MAILBOXES[email] ? { name: MAILBOXES[email] } : {}) };
      ids[email] = ((await (await owner.post('/api/accounts?test=true', body)).json()) as AccountView).id;
    }
    ids['zoe@acme.test'] = ((await (await other.post('/api/accounts', customMailbox('zoe@acme.test', smtp, imap, 'pw'))).json()) as AccountView).id;
    // The passwords change on both servers: every check now says "needs re-authentication".
    await imap.setPasswords(Object.fromEntries(EMAILS.map((e) => [e, fresh(e)])));
    for (const e of EMAILS) smtp.setPassword(e, fresh(e));
    for (const e of EMAILS) expect(((await (await owner.post(`/api/accounts/${ids[e]}/check`)).json()) as AccountView).state).toBe('needs_reauth');
  }, 60_000);

  afterAll(async () => {
    await rg?.destroy();
    await Promise.all([imap?.stop(), smtp?.stop()]);
  });

  it('a member exports only their own mailboxes; someone else\'s is "not found", to them as to any id', async () => {
    const refused = await other.post('/api/accounts/export', { ids: [ids['zoe@acme.test'], ids['ann@acme.test']] });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as ApiErrorBody).error).toMatchObject({ code: 'not_found', message: `no mailbox ${ids['ann@acme.test']}` });
    // An admin sees every mailbox, so exports any.
    expect((await admin.post('/api/accounts/export', { ids: [ids['zoe@acme.test'], ids['ann@acme.test']] })).status).toBe(200);
  });

  it('the exported file, passwords filled in and imported, reconnects every mailbox and sends what waited; names come back unchanged', async () => {
    const held = (await (await owner.post('/api/messages', { accountId: ids['bob@acme.test'], to: 'lead@example.test', subject: 'Held until the fix', text: 'Hi' })).json()) as { id: string };
    const res = await owner.post('/api/accounts/export', { ids: EMAILS.map((e) => ids[e]) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="regrant-reauth-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    expect(text).not.toContain('old-pw');
    const [head, ...rows] = parse(text, { bom: true }) as string[][];
    expect(rows.map((r) => r[head.indexOf('email')])).toEqual(EMAILS);
    expect(rows.map((r) => r[head.indexOf('owner')])).toEqual(EMAILS.map(() => 'sam@acme.test'));
    expect(rows.map((r) => r[head.indexOf('smtp_port')])).toEqual(EMAILS.map(() => String(smtp.port)));
    expect(rows.every((r) => r[head.indexOf('smtp_password')] === '' && r[head.indexOf('imap_password')] === '')).toBe(true);
    // The spreadsheet shows the guard: a name that would run as a formula starts with an apostrophe.
    expect(rows[0][head.indexOf('name')]).toBe("'-Sales");

    // What a person does: type the new passwords into the two empty columns, save, import.
    for (const r of rows) r[head.indexOf('smtp_password')] = r[head.indexOf('imap_password')] = fresh(r[head.indexOf('email')]);
    const filled = stringify([head, ...rows], { record_delimiter: 'windows' });
    const upload = (await (await owner.request('POST', '/api/imports', filled, { 'content-type': 'text/csv' })).json()) as ImportUpload;
    expect(Object.keys(upload.suggestedMapping).sort()).toEqual([...head].sort());
    expect((await owner.post(`/api/imports/${upload.id}/run`, { mapping: upload.suggestedMapping, updateExisting: true })).status).toBe(202);
    const done = await eventually(async () => {
      const view = (await (await owner.get(`/api/imports/${upload.id}`)).json()) as ImportView;
      return view.state === 'finished' && view;
    }, 30_000);
    expect(done.rows.map((r) => `${r.email}:${r.status}`)).toEqual(EMAILS.map((e) => `${e}:updated`));

    const listed = ((await (await owner.get('/api/accounts')).json()) as { accounts: AccountView[] }).accounts;
    expect(listed.map((a) => [a.email, a.state, a.name])).toEqual(EMAILS.map((e) => [e, 'connected', MAILBOXES[e]]));
    await eventually(() => smtp.received.some((m) => m.subject === 'Held until the fix'), 15_000);
    await eventually(async () => ((await (await owner.get(`/api/messages/${held.id}`)).json()) as { state: string }).state === 'sent');
  }, 60_000);
});
