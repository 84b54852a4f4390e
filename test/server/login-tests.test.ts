/**
 * Test Sending and Test Receiving on real servers: Test Sending logs in with the saved SMTP
 * settings and sends a real test email from the mailbox to itself; Test Receiving logs in to
 * IMAP and looks for it in INBOX. Each says what the server answered; both passing make a
 * mailbox connected. The SMTP server delivers mail for MAILBOX and DESK into their Dovecot
 * INBOX, like a real one; mail for LOST it accepts and delivers nowhere.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, LoginTestResult } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { appendToInbox, intoInboxes } from '../support/mail-samples.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'ops@acme.test';
const DESK = 'desk@acme.test';
const LOST = 'lost@acme.test';
const QUIET = 'quiet@acme.test';
const PASSWORD = 'new-pass';
const DESK_PASSWORD = 'Desk-Secret-4711';
const users = { [MAILBOX]: PASSWORD, [DESK]: DESK_PASSWORD, [LOST]: PASSWORD, [QUIET]: PASSWORD };
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let owner: Client;
let stranger: Client;

beforeAll(async () => {
  imap = await startDovecot(users);
  smtp = await startSmtp(users, { deliver: intoInboxes(imap, { [MAILBOX]: PASSWORD, [DESK]: DESK_PASSWORD }) });
  // A test email not in INBOX is looked for briefly here; the deadline stays the usual one.
  rg = await startRegrant({}, { testEmailWaitMs: 300 });
  owner = await rg.user('owner@acme.test', 'member');
  stranger = await rg.user('other@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

type Answer = LoginTestResult & { error?: { code: string; message: string; hint?: string } };

async function test(client: Client, id: string, which: 'sending' | 'receiving') {
  const res = await client.post(`/api/accounts/${id}/test-${which}`);
  return { status: res.status, body: (await res.json()) as Answer };
}

async function add(email: string, password: string): Promise<AccountView> {
  return (await (await owner.post('/api/accounts', customMailbox(email, smtp, imap, password))).json()) as AccountView;
}

const testEmailRow = (accountId: string) => rg.db.selectFrom('test_emails').selectAll().where('account_id', '=', accountId).executeTakeFirst();

it('a stale password fails each test with the reason in words; the new one passes both and connects the mailbox', async () => {
  const account = await add(MAILBOX, 'old-pass');

  const sending = await test(owner, account.id, 'sending');
  expect(sending.status).toBe(200);
  expect(sending.body).toMatchObject({ ok: false, error: { code: 'smtp_auth_failed' }, state: 'new' });
  expect(sending.body.error!.message).toMatch(/SMTP server rejected/);
  expect(sending.body.testEmail).toBeUndefined();
  const receiving = await test(owner, account.id, 'receiving');
  expect(receiving.body).toMatchObject({ ok: false, error: { code: 'imap_auth_failed' }, state: 'new' });
  expect(JSON.stringify([sending.body, receiving.body])).not.toContain('old-pass');

  // Only sending fixed: that test passes, the mailbox is not connected yet (IMAP still fails).
  await owner.patch(`/api/accounts/${account.id}`, { smtp: { ...customMailbox(MAILBOX, smtp, imap, PASSWORD).smtp } });
  const fixedSending = await test(owner, account.id, 'sending');
  expect(fixedSending.body.ok).toBe(true);
  expect(fixedSending.body.state).not.toBe('connected');

  await owner.patch(`/api/accounts/${account.id}`, { imap: { ...customMailbox(MAILBOX, smtp, imap, PASSWORD).imap } });
  const fixedReceiving = await test(owner, account.id, 'receiving');
  expect(fixedReceiving.body).toEqual({ ok: true, state: 'connected', testEmail: { ...fixedSending.body.testEmail, arrivedAt: expect.any(String) } });
});

it('Test Sending sends a real email from the mailbox to itself, and Test Receiving finds it in INBOX', async () => {
  const account = await add(DESK, DESK_PASSWORD);
  const before = smtp.received.length;

  const sending = await test(owner, account.id, 'sending');
  expect(sending.body).toMatchObject({ ok: true, testEmail: { messageId: expect.stringMatching(/^<regrant-test\.[^@>]+@acme\.test>$/), arrivedAt: null } });
  expect(Date.parse(sending.body.testEmail!.sentAt)).not.toBeNaN();
  expect(smtp.received).toHaveLength(before + 1);
  const mail = smtp.received[before];
  expect(mail).toMatchObject({ from: DESK, to: [DESK], user: DESK, subject: 'Regrant test email', messageId: sending.body.testEmail!.messageId });
  expect(mail.raw).toMatch(/^From: desk@acme\.test\r?$/m);
  expect(mail.raw).toMatch(/^To: desk@acme\.test\r?$/m);
  expect(mail.raw).toMatch(/^X-Regrant-Test: 1\r?$/m);
  expect(mail.text).toMatch(/test email from Regrant/);
  expect(mail.text).toMatch(/delete it/);
  expect(mail.raw).not.toContain(DESK_PASSWORD);

  const receiving = await test(owner, account.id, 'receiving');
  expect(receiving.body).toEqual({ ok: true, state: 'connected', testEmail: { ...sending.body.testEmail, arrivedAt: expect.any(String) } });
  expect(await testEmailRow(account.id)).toMatchObject({ message_id: mail.messageId, arrived_at: receiving.body.testEmail!.arrivedAt });

  // A second Test Sending replaces the test email: the one to look for is the new one.
  const again = await test(owner, account.id, 'sending');
  expect(again.body.testEmail!.messageId).not.toBe(sending.body.testEmail!.messageId);
  expect(await testEmailRow(account.id)).toMatchObject({ message_id: again.body.testEmail!.messageId, arrived_at: null });
});

it('a test email that has not reached INBOX passes Test Receiving with a notice; once it is there, the next one finds it', async () => {
  const account = await add(LOST, PASSWORD);
  const sending = await test(owner, account.id, 'sending');
  expect(sending.body.ok).toBe(true);

  const receiving = await test(owner, account.id, 'receiving');
  expect(receiving.body).toMatchObject({ ok: true, testEmail: { ...sending.body.testEmail, arrivedAt: null } });
  expect(receiving.body.error).toBeUndefined();
  expect(receiving.body.notice).toMatch(/^Signed in to IMAP, but the test email sent at \d\d:\d\d UTC has not arrived in INBOX yet\. .*look in Spam/);
  expect((await testEmailRow(account.id))!.arrived_at).toBeNull();

  // Delivered late (by hand here): the next Test Receiving looks again and finds it.
  const mail = smtp.received.find((m) => m.messageId === sending.body.testEmail!.messageId)!;
  await appendToInbox(imap, LOST, PASSWORD, [mail.raw]);
  const later = await test(owner, account.id, 'receiving');
  expect(later.body).toMatchObject({ ok: true, testEmail: { messageId: mail.messageId, arrivedAt: expect.any(String) } });
  expect(later.body.notice).toBeUndefined();
});

it('Test Receiving keeps looking a while for a test email still on its way', async () => {
  const patient = await startRegrant({ CHECK_TIMEOUT_SECONDS: '20' }, { testEmailWaitMs: 8000 });
  try {
    const me = await patient.user('owner@acme.test', 'member');
    const account = (await (await me.post('/api/accounts', customMailbox(LOST, smtp, imap, PASSWORD))).json()) as AccountView;
    const sending = await test(me, account.id, 'sending');
    const mail = smtp.received.find((m) => m.messageId === sending.body.testEmail!.messageId)!;

    const receiving = test(me, account.id, 'receiving');
    // It lands after Test Receiving first looked, while it is still waiting.
    await new Promise((r) => setTimeout(r, 1500));
    await appendToInbox(imap, LOST, PASSWORD, [mail.raw]);
    expect((await receiving).body).toMatchObject({ ok: true, testEmail: { messageId: mail.messageId, arrivedAt: expect.any(String) } });
  } finally {
    await patient.destroy();
  }
});

it('Test Receiving without a recent test email only signs in', async () => {
  const account = await add(QUIET, PASSWORD);
  expect((await test(owner, account.id, 'receiving')).body).toEqual({ ok: true, state: expect.any(String) });

  // A test email older than 30 minutes is not looked for.
  await rg.db.insertInto('test_emails').values({ account_id: account.id, message_id: '<regrant-test.old@acme.test>', sent_at: new Date(Date.now() - 31 * 60_000).toISOString(), arrived_at: null }).execute();
  const answer = (await test(owner, account.id, 'receiving')).body;
  expect(answer.ok).toBe(true);
  expect(answer.testEmail).toBeUndefined();
  expect(answer.notice).toBeUndefined();
});

it('a refused sign-in (535) or a refused recipient (550 at RCPT) fails Test Sending with the reason, and nothing is recorded', async () => {
  const input = customMailbox('sender@acme.test', smtp, imap, PASSWORD);
  const account = (await (await owner.post('/api/accounts', { ...input, smtp: { ...input.smtp, username: MAILBOX } })).json()) as AccountView;
  const before = smtp.received.length;

  smtp.answer(MAILBOX, 535, '5.7.8 Authentication credentials invalid');
  try {
    const refused = await test(owner, account.id, 'sending');
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'smtp_auth_failed', message: 'The SMTP server rejected the username or password.' } });
    expect(refused.body.testEmail).toBeUndefined();
  } finally {
    smtp.clearAnswer(MAILBOX);
  }

  smtp.refuseRecipient('sender@acme.test', { code: 550, text: '5.1.1 Mailbox unavailable' });
  try {
    const rejected = await test(owner, account.id, 'sending');
    expect(rejected.body).toMatchObject({ ok: false, error: { code: 'recipient_rejected' } });
    expect(rejected.body.error!.message).toMatch(/refused the recipient.*550/);
    expect(rejected.body.testEmail).toBeUndefined();
  } finally {
    smtp.refuseRecipient('sender@acme.test', null);
  }
  expect(smtp.received).toHaveLength(before);
  expect(await testEmailRow(account.id)).toBeUndefined();
});

it('tests only the caller\'s own custom mailboxes', async () => {
  const account = await add('desk3@acme.test', 'x');
  const before = smtp.received.length;
  expect((await stranger.post(`/api/accounts/${account.id}/test-sending`)).status).toBe(404);
  expect((await stranger.post(`/api/accounts/${account.id}/test-receiving`)).status).toBe(404);
  expect((await owner.post('/api/accounts/acc_unknown/test-sending')).status).toBe(404);
  expect((await owner.post('/api/accounts/acc_unknown/test-receiving')).status).toBe(404);
  expect(smtp.received).toHaveLength(before);
});

it('a refused connection is reported as the server being unreachable, not as a wrong password', async () => {
  const input = customMailbox('far@acme.test', smtp, imap, PASSWORD);
  const closed = { ...input, smtp: { ...input.smtp, port: 1 } };
  const account = (await (await owner.post('/api/accounts', closed)).json()) as AccountView;
  const result = await test(owner, account.id, 'sending');
  expect(result.body.ok).toBe(false);
  expect(result.body.error!.code).not.toMatch(/auth/);
});

it('a passing Test Sending does not try the receiving password already known to be wrong; the same settings saved again change nothing', async () => {
  const input = customMailbox('desk2@acme.test', smtp, imap, 'wrong-imap', PASSWORD);
  const account = (await (await owner.post('/api/accounts', { ...input, smtp: { ...input.smtp, username: MAILBOX }, imap: { ...input.imap, username: MAILBOX } })).json()) as AccountView;
  const checked = (await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(checked).toMatchObject({ state: 'needs_reauth', reason: { code: 'imap_auth_failed' }, nextCheckAt: null });

  const sending = await test(owner, account.id, 'sending');
  expect(sending.body).toMatchObject({ ok: true, state: 'needs_reauth', testEmail: { arrivedAt: null } });
  const after = (await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView;
  expect(after.lastCheckedAt).toBe(checked.lastCheckedAt); // no full check ran: IMAP was not tried

  // Saving the very same settings is no change: the dead password stays parked.
  await owner.patch(`/api/accounts/${account.id}`, { imap: { host: '127.0.0.1', port: imap.port, security: 'none', username: MAILBOX, password: 'wrong-imap' } });
  expect(((await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView).nextCheckAt).toBeNull();
});
