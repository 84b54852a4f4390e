/**
 * A provider that stops answering holds nothing for ever: Gmail hanging on one mailbox puts
 * its email back to pending once the send's deadline passes, while another mailbox keeps
 * sending and being scanned; a hung inbox scan does not hold the sweep; and stopping the
 * server returns at once, the email put back to go first after the restart.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, MessageView, ReplyView } from '../../shared/api.ts';
import { reply } from '../support/mail-samples.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { eventually, type Client } from '../support/regrant.ts';

const STALLED = 'stalled@gmail.test';
const FINE = 'fine@gmail.test';
let world: OAuthWorld;
let mia: Client;
let stalled: AccountView;
let fine: AccountView;

beforeAll(async () => {
  // Each network step gives up after 1 s: a send after 2 s (+ grace), a scan after 5 s (+ grace).
  world = await startOAuthWorld([STALLED, FINE], { CHECK_TIMEOUT_SECONDS: '1' });
  mia = await world.rg.user('mia@acme.test', 'member');
  stalled = await world.connect(mia, 'google', STALLED);
  fine = await world.connect(mia, 'google', FINE);
});
afterAll(() => world?.stop());

const queue = async (accountId: string, subject: string) => ((await (await mia.post('/api/messages', { accountId, to: 'bob@example.test', subject, text: 'Hello' })).json()) as { id: string }).id;
const message = async (id: string) => (await (await mia.get(`/api/messages/${id}`)).json()) as MessageView;
const replies = async (id: string) => ((await (await mia.get(`/api/accounts/${id}/replies`)).json()) as { replies: ReplyView[] }).replies;
const timed = async (run: () => Promise<unknown>) => {
  const start = Date.now();
  await run();
  return Date.now() - start;
};

it('a send Gmail never answers goes back to pending at its deadline, other mailboxes keep sending, and stop() returns', async () => {
  world.google.fail(STALLED, 'slow', { slowMs: 60_000 });
  const held = await queue(stalled.id, 'Stuck');
  const other = await queue(fine.id, 'Goes');
  await eventually(async () => (await message(other)).state === 'sent');
  const back = await eventually(async () => {
    const m = await message(held);
    return m.state === 'pending' && m.error?.code === 'timeout' && m;
  }, 10_000);
  expect(back.attempts).toBe(1);
  expect(world.google.gmail.sent(STALLED)).toHaveLength(0);

  // Tried again while Gmail still hangs: stopping the server cuts the send short.
  void world.rg.outbox.reconnected(stalled.id);
  await eventually(async () => (await message(held)).state === 'sending');
  expect(await timed(() => world.rg.outbox.stop())).toBeLessThan(5000);
  expect(await message(held)).toMatchObject({ state: 'pending', attempts: 1 });

  // Gmail answers again: after the restart the email goes first thing.
  world.google.fail(STALLED, null);
  world.rg.outbox.start();
  await eventually(async () => (await message(held)).state === 'sent', 10_000);
  expect(world.google.gmail.sent(STALLED)).toHaveLength(1);
});

it('an inbox scan Gmail never answers does not hold the sweep or the shutdown', async () => {
  const sent = await message((await world.rg.db.selectFrom('outbox_messages').select('id').where('account_id', '=', fine.id).executeTakeFirstOrThrow()).id);
  world.google.gmail.deliver(FINE, reply(sent.messageId, 'bob@example.test', FINE));
  world.google.fail(STALLED, 'slow', { slowMs: 60_000 });

  // The sweep ends once the hung scan reaches its deadline; the other mailbox was read meanwhile.
  expect(await timed(() => world.rg.inbox.sweep())).toBeLessThan(12_000);
  expect(await replies(fine.id)).toHaveLength(1);
  expect(await world.rg.inbox.kick(fine.id)).toEqual({ replies: 0, bounces: 0 });

  const hung = world.rg.inbox.kick(stalled.id);
  await new Promise((r) => setTimeout(r, 300));
  expect(await timed(() => world.rg.inbox.stop())).toBeLessThan(5000);
  expect(await hung).toBeNull();
});
