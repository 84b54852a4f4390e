/**
 * A refusal of old credentials does not undo a re-authentication: the holder changed the
 * password at the mail server and enters it in Regrant while a send still signs in with the old
 * one. The old one's 535 arrives after the new password was saved; it must not park the mailbox
 * as needs_reauth (the new password has never been tried): the email goes with the new one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountEvent, AccountView, MessageView } from '../../shared/api.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';
import { eventually } from '../support/regrant.ts';

const MAILBOX = 'ops@acme.test';
let world: CustomWorld;
/** While set, the SMTP server holds every sign-in until it resolves. */
let hold: Promise<void> | null = null;
let held = 0;

beforeAll(async () => {
  world = await startCustomWorld(MAILBOX, 'old-pass', {
    async beforeAuth() {
      // Only the send's sign-in waits: the new password's sign-in test (a change is saved only when it passes) goes through.
      if (!hold || held > 0) return;
      held++;
      await hold;
    },
  });
});
afterAll(() => world?.stop());

const message = async (id: string) => (await (await world.owner.get(`/api/messages/${id}`)).json()) as MessageView;

it('the old password refused after the new one was entered leaves the mailbox connected and sends with the new one', async () => {
  world.smtp.setPassword(MAILBOX, 'new-pass');
  let letGo!: () => void;
  hold = new Promise((resolve) => (letGo = resolve));
  const { id } = (await (await world.owner.post('/api/messages', { accountId: world.account.id, to: 'bob@example.test', subject: 'Quarterly', text: 'Hello' })).json()) as { id: string };
  await eventually(() => held === 1); // the send is signing in with the old password

  expect((await world.owner.patch(`/api/accounts/${world.account.id}`, { smtp: { password: 'new-pass' } })).status).toBe(200);
  hold = null;
  letGo(); // now the old password's 535 arrives

  await eventually(async () => (await message(id)).state === 'sent');
  expect(world.smtp.received.map((m) => m.subject)).toEqual(['Quarterly']);
  const after = (await (await world.owner.get(`/api/accounts/${world.account.id}`)).json()) as AccountView;
  expect(after.state).toBe('connected');
  const { events } = (await (await world.owner.get(`/api/accounts/${world.account.id}/events`)).json()) as { events: AccountEvent[] };
  expect(events.some((e) => e.to === 'needs_reauth')).toBe(false);
});

it('a finding made with credentials the account no longer holds is dropped', async () => {
  const row = await world.rg.db.selectFrom('accounts').select('updated_at').where('id', '=', world.account.id).executeTakeFirstOrThrow();
  const found = { verdict: 'needs_reauth' as const, code: 'imap_auth_failed', message: 'The IMAP server rejected the username or password.', hint: '', retry: 'never' as const, detail: '' };
  expect(await world.rg.health.recordFinding(world.account.id, found, { updatedAt: row.updated_at, fingerprint: 'the previous password' })).toBe('superseded');
  expect(await world.rg.health.recordFinding(world.account.id, found, { updatedAt: '2020-01-01T00:00:00.000Z', fingerprint: 'the previous password' })).toBe('superseded');
  expect(((await (await world.owner.get(`/api/accounts/${world.account.id}`)).json()) as AccountView).state).toBe('connected');
});
