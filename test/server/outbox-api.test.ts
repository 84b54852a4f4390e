/**
 * The outbox as the API and the SMTP server see it: who may queue and read what, what bad
 * input gets, a recipient the server refuses for good fails with the reason while the rest
 * go on, passing trouble waits and is re-tried in order, and SEND_RATE_PER_MINUTE paces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, MessageView, StatusResponse } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'team@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let mia: Client;
let max: Client;
let account: AccountView;

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'pw' });
  smtp = await startSmtp({ [MAILBOX]: 'pw' });
  rg = await startRegrant();
  admin = await rg.user('admin@acme.test', 'admin');
  mia = await rg.user('mia@acme.test', 'member');
  max = await rg.user('max@acme.test', 'member');
  account = (await (await mia.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'pw'))).json()) as AccountView;
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

const send = (client: Client, body: Record<string, unknown>) => client.post('/api/messages', { accountId: account.id, to: 'bob@example.test', subject: 'Hi', text: 'Hello', ...body });
const message = async (id: string) => (await (await mia.get(`/api/messages/${id}`)).json()) as MessageView;
async function error(res: Response, status: number): Promise<ApiErrorBody['error']> {
  expect(res.status).toBe(status);
  return ((await res.json()) as ApiErrorBody).error;
}

describe('queueing', () => {
  it('a new mailbox holds its email until its first good check, then sends it', async () => {
    const res = await send(mia, { subject: 'Welcome' });
    expect(res.status).toBe(202);
    const { id, state } = (await res.json()) as { id: string; state: string };
    expect(state).toBe('pending');
    const held = await message(id);
    expect(held).toMatchObject({ id, state: 'pending', accountId: account.id, to: 'bob@example.test', subject: 'Welcome', sentAt: null });
    expect(held.messageId).toMatch(/^<[0-9a-f-]{36}@acme\.test>$/);
    const status = (await (await mia.get('/api/status')).json()) as StatusResponse;
    expect(status.accounts[0]).toMatchObject({ state: 'new', pendingEmails: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.received).toHaveLength(0);

    expect(((await (await mia.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
    const sent = await eventually(async () => {
      const m = await message(id);
      return m.state === 'sent' && m;
    });
    expect(sent.messageId).toBe(held.messageId);
    expect(smtp.received.map((m) => m.messageId)).toEqual([held.messageId]);
  });

  it("another member's mailbox and emails do not exist for you; admins see them", async () => {
    expect((await error(await send(max, {}), 404)).code).toBe('not_found');
    const { id } = (await (await send(mia, { subject: 'Private' })).json()) as { id: string };
    expect((await error(await max.get(`/api/messages/${id}`), 404)).code).toBe('not_found');
    expect((await admin.get(`/api/messages/${id}`)).status).toBe(200);
    expect((await error(await mia.get('/api/messages/msg_unknown'), 404)).code).toBe('not_found');
    for (const path of ['replies', 'bounces']) {
      expect((await error(await max.get(`/api/accounts/${account.id}/${path}`), 404)).code).toBe('not_found');
      expect((await error(await mia.get(`/api/accounts/acc_unknown/${path}`), 404)).code).toBe('not_found');
      expect((await mia.get(`/api/accounts/${account.id}/${path}`)).status).toBe(200);
    }
    await eventually(async () => (await message(id)).state === 'sent');
  });

  it('bad input is refused with the field named; a huge body gets 413', async () => {
    expect((await error(await send(mia, { to: 'not an address' }), 422)).field).toBe('to');
    expect((await error(await send(mia, { subject: undefined }), 422)).message).toBe('subject: is required');
    expect((await error(await send(mia, { cc: 'x@example.test' }), 422)).field).toBe('cc');
    expect((await error(await mia.request('POST', '/api/messages', '{"accountId":', { 'content-type': 'application/json' }), 400)).code).toBe('invalid_json');
    expect((await error(await send(mia, { text: 'x'.repeat(2 * 1024 * 1024) }), 413)).code).toBe('payload_too_large');
  });
});

describe('sending trouble', () => {
  it('a recipient refused for good fails with the reason; the emails behind it go on', async () => {
    smtp.refuseRecipient('ghost@example.test', { code: 550, text: '5.1.1 <ghost@example.test>: Recipient address rejected: User unknown' });
    const before = smtp.received.length;
    const bad = ((await (await send(mia, { to: 'ghost@example.test', subject: 'To a ghost' })).json()) as { id: string }).id;
    const good = ((await (await send(mia, { subject: 'After the ghost' })).json()) as { id: string }).id;
    await eventually(async () => (await message(good)).state === 'sent');
    const failed = await message(bad);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('recipient_rejected');
    expect(failed.error?.message).toMatch(/5\.1\.1.*User unknown/);
    expect(smtp.received.slice(before).map((m) => m.subject)).toEqual(['After the ghost']);
    expect(((await (await mia.get(`/api/accounts/${account.id}`)).json()) as AccountView).state).toBe('connected');
  });

  it('passing trouble keeps the email pending with a back-off, holds the ones behind it, and the retry sends them in order', async () => {
    smtp.refuseMessages({ code: 451, text: '4.3.0 Temporary local problem, try again later' });
    const before = smtp.received.length;
    const first = ((await (await send(mia, { subject: 'Retry 1' })).json()) as { id: string }).id;
    const second = ((await (await send(mia, { subject: 'Retry 2' })).json()) as { id: string }).id;
    const waiting = await eventually(async () => {
      const m = await message(first);
      return m.attempts === 1 && m.state === 'pending' && m;
    });
    expect(waiting.error?.code).toBe('smtp_temporary_failure');
    expect((await message(second)).state).toBe('pending');
    const row = await rg.db.selectFrom('outbox_messages').select('next_attempt_at').where('id', '=', first).executeTakeFirstOrThrow();
    expect(Date.parse(row.next_attempt_at) - Date.now()).toBeGreaterThan(20_000);
    await rg.outbox.sweep();
    await new Promise((r) => setTimeout(r, 200));
    expect((await message(first)).attempts).toBe(1); // the back-off holds

    smtp.refuseMessages(null);
    await rg.db.updateTable('outbox_messages').set({ next_attempt_at: new Date().toISOString() }).where('id', '=', first).execute(); // the back-off ran out
    await rg.outbox.sweep();
    await eventually(async () => (await message(second)).state === 'sent');
    expect(smtp.received.slice(before).map((m) => m.subject)).toEqual(['Retry 1', 'Retry 2']);
    expect((await message(first)).attempts).toBe(2);
  });
});

it('SEND_RATE_PER_MINUTE spaces the emails of one mailbox', async () => {
  const paced = await startRegrant({ SEND_RATE_PER_MINUTE: '600' }); // one every 100 ms
  try {
    const owner = await paced.user('owner@acme.test', 'member');
    const box = (await (await owner.post('/api/accounts', customMailbox('paced@acme.test', smtp, imap, 'pw'))).json()) as AccountView;
    smtp.setPassword('paced@acme.test', 'pw');
    await imap.addUser('paced@acme.test', 'pw');
    for (let i = 0; i < 4; i++) await owner.post('/api/messages', { accountId: box.id, to: 'bob@example.test', subject: `Paced ${i}`, text: 'x' });
    await owner.post(`/api/accounts/${box.id}/check`);
    const got = await eventually(() => {
      const m = smtp.received.filter((r) => r.subject.startsWith('Paced'));
      return m.length === 4 && m;
    });
    // Sends start 100 ms apart, but arrive when their DATA ends, which a loaded machine delays
    // unevenly (the first one's sign-in makes its own gap look shorter): two gaps are at least
    // 150 ms apart, where unpaced emails on one connection arrive within a few ms of each other.
    expect(got[3].at - got[1].at).toBeGreaterThanOrEqual(150);
  } finally {
    await paced.destroy();
  }
});
