/**
 * A refusal of the mailbox is not a refusal of its emails, on a real smtp-server: held as spam
 * at MAIL FROM, the backlog waits (not one email fails) and goes once the server takes mail
 * again; refused by policy (Office 365's 550 5.7.60 SendAsDenied) the mailbox needs an admin
 * and the emails wait; and many recipients refused in a row stop the flush, the rest wait.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, MessageView } from '../../shared/api.ts';
import { REJECTED_IN_A_ROW } from '../../server/outbox/dispatcher.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';
import { eventually } from '../support/regrant.ts';

let world: CustomWorld;
beforeAll(async () => {
  world = await startCustomWorld('sales@contoso.test', 'pw');
});
afterAll(() => world?.stop());

const queue = async (to: string, subject: string) => ((await (await world.owner.post('/api/messages', { accountId: world.account.id, to, subject, text: 'Hello' })).json()) as { id: string }).id;
const message = async (id: string) => (await (await world.owner.get(`/api/messages/${id}`)).json()) as MessageView;
const mailbox = async () => (await (await world.owner.get(`/api/accounts/${world.account.id}`)).json()) as AccountView;

it('held as spam at MAIL FROM, no email fails: the backlog waits and goes when the server takes mail again', async () => {
  world.smtp.refuseSender({ code: 554, text: '5.2.0 STOREDRV.Submission.Exception:OutboundSpamException' });
  const ids = [await queue('a@example.test', 'One'), await queue('b@example.test', 'Two'), await queue('c@example.test', 'Three')];
  await eventually(async () => (await message(ids[0])).attempts === 1 && (await message(ids[0])).state === 'pending');
  const held = await Promise.all(ids.map(message));
  expect(held.map((m) => m.state)).toEqual(['pending', 'pending', 'pending']);
  expect((await mailbox()).state).toBe('connected');

  world.smtp.refuseSender(null);
  await world.rg.outbox.reconnected(world.account.id);
  expect((await Promise.all(ids.map(message))).map((m) => m.state)).toEqual(['sent', 'sent', 'sent']);
});

it(`${REJECTED_IN_A_ROW} recipients refused in a row stop the flush: the emails behind them wait`, async () => {
  const ids: string[] = [];
  for (let i = 1; i <= REJECTED_IN_A_ROW + 2; i++) {
    world.smtp.refuseRecipient(`gone${i}@example.test`, { code: 550, text: '5.1.1 User unknown' });
    ids.push(await queue(`gone${i}@example.test`, `Gone ${i}`));
  }
  await eventually(async () => (await message(ids[REJECTED_IN_A_ROW - 1])).state === 'failed');
  await new Promise((r) => setTimeout(r, 300));
  const after = await Promise.all(ids.map(message));
  expect(after.map((m) => m.state)).toEqual([...Array(REJECTED_IN_A_ROW).fill('failed'), 'pending', 'pending']);
  expect(after[0].error?.code).toBe('recipient_rejected');
  expect(Date.parse((await world.rg.db.selectFrom('outbox_messages').select('next_attempt_at').where('id', '=', ids[REJECTED_IN_A_ROW]).executeTakeFirstOrThrow()).next_attempt_at)).toBeGreaterThan(Date.now() + 60_000);

  for (let i = 1; i <= REJECTED_IN_A_ROW + 2; i++) world.smtp.refuseRecipient(`gone${i}@example.test`, null);
  await world.rg.outbox.reconnected(world.account.id);
  expect((await message(ids.at(-1)!)).state).toBe('sent');
});

it('refused by policy at MAIL FROM (550 5.7.60), the mailbox needs an admin and every email waits', async () => {
  world.smtp.refuseSender({ code: 550, text: '5.7.60 SMTP; Client does not have permissions to send as this sender' });
  const ids = [await queue('d@example.test', 'Four'), await queue('e@example.test', 'Five')];
  const blocked = await eventually(async () => {
    const a = await mailbox();
    return a.state === 'needs_reauth' && a;
  });
  expect(blocked.reason?.code).toBe('smtp_refused');
  expect(blocked.pendingEmails).toBe(2);
  expect((await Promise.all(ids.map(message))).map((m) => m.state)).toEqual(['pending', 'pending']);
});
