/**
 * The story a user lives, on real servers: a custom mailbox whose IMAP password is changed
 * at the server turns needs_reauth after one check, the status API says so with a new ETag,
 * the admin, the owner and the mailbox are each emailed once, and fixing the password in
 * Regrant brings the mailbox back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountEvent, AccountView, StatusResponse } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'sales@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let notify: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let owner: Client;

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'first-pass' });
  smtp = await startSmtp({ [MAILBOX]: 'first-pass' });
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, NOTIFY_FROM: 'Regrant <alerts@acme.test>', WORKSPACE_NAME: 'Acme' });
  admin = await rg.user('boss@acme.test', 'admin');
  owner = await rg.user('owner@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop(), notify?.stop()]);
});

it('a changed IMAP password turns the mailbox red once, alerts three people once, and a new password fixes it', async () => {
  const created = await owner.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'first-pass'));
  expect(created.status).toBe(201);
  const account = (await created.json()) as AccountView;
  expect(account.state).toBe('new');

  const first = (await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(first.state).toBe('connected');

  const before = await admin.get('/api/status');
  const etagBefore = before.headers.get('etag')!;
  expect(((await before.json()) as StatusResponse).counts).toEqual({ total: 1, connected: 1, needsReauth: 0, unreachable: 0 });
  expect((await admin.get('/api/status', { 'if-none-match': etagBefore })).status).toBe(304);

  await imap.setPassword(MAILBOX, 'changed-by-holder');
  const lost = (await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(lost.state).toBe('needs_reauth');
  expect(lost.reason?.code).toBe('imap_auth_failed');
  expect(lost.reason?.message).toMatch(/IMAP server rejected/);
  expect(lost.nextCheckAt).toBeNull(); // dead credentials are not tried again by themselves

  const after = await admin.get('/api/status', { 'if-none-match': etagBefore });
  expect(after.status).toBe(200);
  expect(after.headers.get('etag')).not.toBe(etagBefore);
  const status = (await after.json()) as StatusResponse;
  expect(status.counts.needsReauth).toBe(1);
  expect(status.accounts[0]).toMatchObject({ email: MAILBOX, state: 'needs_reauth', reason: { code: 'imap_auth_failed' }, pendingEmails: 0 });

  await rg.notifier.kick();
  const alerts = await eventually(() => (notify.received.length >= 3 ? notify.received : null));
  expect(alerts.map((m) => m.to[0]).sort()).toEqual(['boss@acme.test', 'owner@acme.test', MAILBOX]);
  for (const mail of alerts) {
    expect(mail.subject).toContain(MAILBOX);
    expect(mail.text).toContain('The IMAP server rejected the username or password.');
    expect(mail.text).toMatch(/nothing is sent from sales@acme\.test, and replies and bounces to it are not detected/);
    expect(mail.text).toContain('http://regrant.test/');
    expect(mail.raw).not.toContain('first-pass');
  }

  // More failing checks: still red, and nobody is emailed again.
  for (let i = 0; i < 2; i++) {
    const again = (await (await admin.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
    expect(again.state).toBe('needs_reauth');
  }
  await rg.notifier.kick();
  await new Promise((r) => setTimeout(r, 300));
  expect(notify.received).toHaveLength(3);

  const patched = await owner.patch(`/api/accounts/${account.id}`, { imap: { password: 'changed-by-holder' } });
  expect(patched.status).toBe(200);
  const fixed = (await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(fixed.state).toBe('connected');
  expect(fixed.reason).toBeNull();

  const events = ((await (await owner.get(`/api/accounts/${account.id}/events`)).json()) as { events: AccountEvent[] }).events;
  expect(events.map((e) => `${e.from}->${e.to}`)).toEqual(['needs_reauth->connected', 'connected->needs_reauth', 'new->connected']);
  expect(events[1].reason?.code).toBe('imap_auth_failed');
  expect(events[1].detail).toContain('AUTHENTICATIONFAILED');
  expect(((await (await admin.get('/api/status')).json()) as StatusResponse).counts.needsReauth).toBe(0);
});
