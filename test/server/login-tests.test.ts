/**
 * Test Sending and Test Receiving on real servers: each logs in once with the saved
 * settings and says what the server answered; both passing make a mailbox connected.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, LoginTestResult } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'ops@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let owner: Client;
let stranger: Client;

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'new-pass' });
  smtp = await startSmtp({ [MAILBOX]: 'new-pass' });
  rg = await startRegrant();
  owner = await rg.user('owner@acme.test', 'member');
  stranger = await rg.user('other@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

async function test(client: Client, id: string, which: 'sending' | 'receiving') {
  const res = await client.post(`/api/accounts/${id}/test-${which}`);
  return { status: res.status, body: (await res.json()) as LoginTestResult & { error?: { code: string; message: string } } };
}

it('a stale password fails each test with the reason in words; the new one passes both and connects the mailbox', async () => {
  const account = (await (await owner.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'old-pass'))).json()) as AccountView;

  const sending = await test(owner, account.id, 'sending');
  expect(sending.status).toBe(200);
  expect(sending.body).toMatchObject({ ok: false, error: { code: 'smtp_auth_failed' }, state: 'new' });
  expect(sending.body.error!.message).toMatch(/SMTP server rejected/);
  const receiving = await test(owner, account.id, 'receiving');
  expect(receiving.body).toMatchObject({ ok: false, error: { code: 'imap_auth_failed' }, state: 'new' });
  expect(JSON.stringify([sending.body, receiving.body])).not.toContain('old-pass');

  // Only sending fixed: that test passes, the mailbox is not connected yet (IMAP still fails).
  await owner.patch(`/api/accounts/${account.id}`, { smtp: { ...customMailbox(MAILBOX, smtp, imap, 'new-pass').smtp } });
  const fixedSending = await test(owner, account.id, 'sending');
  expect(fixedSending.body.ok).toBe(true);
  expect(fixedSending.body.state).not.toBe('connected');

  await owner.patch(`/api/accounts/${account.id}`, { imap: { ...customMailbox(MAILBOX, smtp, imap, 'new-pass').imap } });
  const fixedReceiving = await test(owner, account.id, 'receiving');
  expect(fixedReceiving.body).toEqual({ ok: true, state: 'connected' });
});

it('tests only the caller\'s own custom mailboxes', async () => {
  const account = (await (await owner.post('/api/accounts', customMailbox('desk@acme.test', smtp, imap, 'x'))).json()) as AccountView;
  expect((await stranger.post(`/api/accounts/${account.id}/test-sending`)).status).toBe(404);
  expect((await owner.post('/api/accounts/acc_unknown/test-receiving')).status).toBe(404);
});

it('a refused connection is reported as the server being unreachable, not as a wrong password', async () => {
  const input = customMailbox('far@acme.test', smtp, imap, 'new-pass');
  const closed = { ...input, smtp: { ...input.smtp, port: 1 } };
  const account = (await (await owner.post('/api/accounts', closed)).json()) as AccountView;
  const result = await test(owner, account.id, 'sending');
  expect(result.body.ok).toBe(false);
  expect(result.body.error!.code).not.toMatch(/auth/);
});

it('a passing Test Sending does not try the receiving password already known to be wrong; the same settings saved again change nothing', async () => {
  const input = customMailbox('desk2@acme.test', smtp, imap, 'wrong-imap', 'new-pass');
  const account = (await (await owner.post('/api/accounts', { ...input, smtp: { ...input.smtp, username: MAILBOX }, imap: { ...input.imap, username: MAILBOX } })).json()) as AccountView;
  const checked = (await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(checked).toMatchObject({ state: 'needs_reauth', reason: { code: 'imap_auth_failed' }, nextCheckAt: null });

  const sending = await test(owner, account.id, 'sending');
  expect(sending.body).toEqual({ ok: true, state: 'needs_reauth' });
  const after = (await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView;
  expect(after.lastCheckedAt).toBe(checked.lastCheckedAt); // no full check ran: IMAP was not tried

  // Saving the very same settings is no change: the dead password stays parked.
  await owner.patch(`/api/accounts/${account.id}`, { imap: { host: '127.0.0.1', port: imap.port, security: 'none', username: MAILBOX, password: 'wrong-imap' } });
  expect(((await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView).nextCheckAt).toBeNull();
});
