/**
 * A refusal of old credentials does not undo a re-authentication: the holder changed the
 * password at the mail server and enters it in Regrant while a send still signs in with the old
 * one. The old one's 535 arrives after the new password was saved; it must not park the mailbox
 * as needs_reauth (the new password has never been tried): the email goes with the new one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountEvent, AccountView, MessageView } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'ops@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let owner: Client;
let account: AccountView;
/** While set, the SMTP server holds every sign-in until it resolves. */
let hold: Promise<void> | null = null;
let held = 0;

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'old-pass' });
  smtp = await startSmtp(
    { [MAILBOX]: 'old-pass' },
    {
      async beforeAuth() {
        if (!hold) return;
        held++;
        await hold;
      },
    },
  );
  rg = await startRegrant();
  owner = await rg.user('owner@acme.test', 'member');
  account = (await (await owner.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'old-pass'))).json()) as AccountView;
  expect(((await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

const message = async (id: string) => (await (await owner.get(`/api/messages/${id}`)).json()) as MessageView;

it('the old password refused after the new one was entered leaves the mailbox connected and sends with the new one', async () => {
  smtp.setPassword(MAILBOX, 'new-pass');
  let letGo!: () => void;
  hold = new Promise((resolve) => (letGo = resolve));
  const { id } = (await (await owner.post('/api/messages', { accountId: account.id, to: 'bob@example.test', subject: 'Quarterly', text: 'Hello' })).json()) as { id: string };
  await eventually(() => held === 1); // the send is signing in with the old password

  expect((await owner.patch(`/api/accounts/${account.id}`, { smtp: { password: 'new-pass' } })).status).toBe(200);
  hold = null;
  letGo(); // now the old password's 535 arrives

  await eventually(async () => (await message(id)).state === 'sent');
  expect(smtp.received.map((m) => m.subject)).toEqual(['Quarterly']);
  const after = (await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView;
  expect(after.state).toBe('connected');
  const { events } = (await (await owner.get(`/api/accounts/${account.id}/events`)).json()) as { events: AccountEvent[] };
  expect(events.some((e) => e.to === 'needs_reauth')).toBe(false);
});

it('a finding made with credentials the account no longer holds is dropped', async () => {
  const row = await rg.db.selectFrom('accounts').select('updated_at').where('id', '=', account.id).executeTakeFirstOrThrow();
  const found = { verdict: 'needs_reauth' as const, code: 'imap_auth_failed', message: 'The IMAP server rejected the username or password.', hint: '', retry: 'never' as const, detail: '' };
  expect(await rg.health.recordFinding(account.id, found, { updatedAt: row.updated_at, fingerprint: 'the previous password' })).toBe('superseded');
  expect(await rg.health.recordFinding(account.id, found, { updatedAt: '2020-01-01T00:00:00.000Z', fingerprint: 'the previous password' })).toBe('superseded');
  expect(((await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView).state).toBe('connected');
});
