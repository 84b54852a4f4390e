/**
 * A member learns nothing about mailboxes they do not own: adding or importing an address
 * that is someone else's (custom or Google) gets the same neutral answer, whatever else is
 * wrong with the request or the row; admins still hear the precise reason.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiErrorBody, ImportUpload, ImportView } from '../../shared/api.ts';
import { newAccountRow } from '../../server/accounts/new-row.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let admin: Client;
let sam: Client;
let zoe: Client;

const NEUTRAL = (email: string) => `${email} cannot be added to your mailboxes. If it should be yours, ask an administrator of Regrant.`;
const mailbox = (email: string) => customMailbox(email, { port: 2525 }, { port: 1143 }, 'pw');

beforeAll(async () => {
  rg = await startRegrant();
  admin = await rg.user('admin@acme.test', 'admin');
  sam = await rg.user('sam@acme.test', 'member');
  zoe = await rg.user('zoe@acme.test', 'member');
  expect((await zoe.post('/api/accounts', mailbox('ops@acme.test'))).status).toBe(201);
  const zoeId = (await rg.users.byEmail('zoe@acme.test'))!.id;
  await rg.db.transaction().execute((trx) => rg.accounts.admit(trx, [newAccountRow({ id: 'acc_sales', email: 'sales@acme.test', ownerId: zoeId, provider: 'google', now: new Date().toISOString() })], null));
});
afterAll(() => rg?.destroy());

async function refusal(res: Response) {
  return { status: res.status, error: ((await res.json()) as ApiErrorBody).error };
}

it("a member's create of someone else's address gets the neutral 403, custom or Google alike", async () => {
  const neutral = (email: string) => ({ status: 403, error: { code: 'forbidden', message: NEUTRAL(email), field: 'email' } });
  expect(await refusal(await sam.post('/api/accounts', mailbox('ops@acme.test')))).toEqual(neutral('ops@acme.test'));
  expect(await refusal(await sam.post('/api/accounts', mailbox('sales@acme.test')))).toEqual(neutral('sales@acme.test'));
  // Ownership is decided first: an owner field or a host that would be refused changes nothing.
  const withOwner = { ...mailbox('ops@acme.test'), owner: 'nobody@acme.test' };
  expect(await refusal(await sam.post('/api/accounts', withOwner))).toEqual(neutral('ops@acme.test'));
  const internal = { ...mailbox('ops@acme.test'), smtp: { ...mailbox('ops@acme.test').smtp, host: '10.1.2.3' } };
  expect(await refusal(await sam.post('/api/accounts', internal))).toEqual(neutral('ops@acme.test'));
  // The owner and admins, who may know, hear what it is.
  expect((await refusal(await zoe.post('/api/accounts', mailbox('ops@acme.test')))).error.code).toBe('account_exists');
  expect((await refusal(await admin.post('/api/accounts', mailbox('ops@acme.test')))).error).toMatchObject({ code: 'account_exists', message: 'a mailbox ops@acme.test already exists in Regrant' });
});

it("a member's import of someone else's addresses reports the same neutral words, with or without update", async () => {
  const HEADER = 'email,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password';
  const row = (email: string) => `${email},127.0.0.1,2525,none,${email},pw,127.0.0.1,1143,none,${email},pw`;
  const mapping = Object.fromEntries(HEADER.split(',').map((h) => [h, h]));
  for (const updateExisting of [false, true]) {
    const up = (await (await sam.request('POST', '/api/imports', `${HEADER}\n${row('ops@acme.test')}\n${row('sales@acme.test')}\n`, { 'content-type': 'text/csv' })).json()) as ImportUpload;
    expect((await sam.post(`/api/imports/${up.id}/run`, { mapping, updateExisting })).status).toBe(202);
    await rg.imports.settled();
    const rows = ((await (await sam.get(`/api/imports/${up.id}`)).json()) as ImportView).rows;
    expect(rows).toEqual([
      { line: 2, email: 'ops@acme.test', status: 'failed', error: { code: 'forbidden', message: NEUTRAL('ops@acme.test') } },
      { line: 3, email: 'sales@acme.test', status: 'failed', error: { code: 'forbidden', message: NEUTRAL('sales@acme.test') } },
    ]);
    const csv = await (await sam.get(`/api/imports/${up.id}/report.csv`)).text();
    expect(csv).not.toMatch(/Google|already|exists/i);
  }
});
