/**
 * An email's lease, on real servers: a sender whose lease lapsed and was taken over does not
 * mark the email, SEND_RATE_PER_MINUTE waits before taking the next email (not while holding
 * it), a lease a crash left behind goes back to pending whatever the mailbox's state, and a
 * stopped outbox takes no email.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageView } from '../../shared/api.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';
import { eventually } from '../support/regrant.ts';

let world: CustomWorld;
/** While set, the SMTP server holds every sign-in until it resolves. */
let hold: Promise<void> | null = null;
let held = 0;

beforeAll(async () => {
  const holding = {
    async beforeAuth() {
      if (!hold) return;
      held++;
      await hold;
    },
  };
  world = await startCustomWorld('desk@acme.test', 'pw', holding, { SEND_RATE_PER_MINUTE: '60' });
});
afterAll(() => world?.stop());

const queue = async (subject: string) => ((await (await world.owner.post('/api/messages', { accountId: world.account.id, to: 'bob@example.test', subject, text: 'Hello' })).json()) as { id: string }).id;
const message = async (id: string) => (await (await world.owner.get(`/api/messages/${id}`)).json()) as MessageView;
const row = (id: string) => world.rg.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

it('a sender whose lease was taken over does not settle the email', async () => {
  let letGo!: () => void;
  hold = new Promise((resolve) => (letGo = resolve));
  const id = await queue('Taken over');
  await eventually(() => held === 1);
  // The lease lapsed while the sender hung, and another live instance took the email.
  const until = new Date(Date.now() + 60_000).toISOString();
  const now = new Date().toISOString();
  await world.rg.db.insertInto('instances').values({ id: 'ins_other', host: null, pid: null, started_at: now, heartbeat_at: now }).execute();
  await world.rg.db.updateTable('outbox_messages').set({ lease_owner: 'ins_other', lease_until: until }).where('id', '=', id).execute();
  hold = null;
  letGo();
  await eventually(() => world.smtp.received.some((m) => m.subject === 'Taken over'));
  await new Promise((r) => setTimeout(r, 300));
  expect(await row(id)).toMatchObject({ state: 'sending', lease_owner: 'ins_other', lease_until: until });
  await world.rg.db.updateTable('outbox_messages').set({ state: 'sent', lease_owner: null, lease_until: null }).where('id', '=', id).execute();
  await world.rg.db.deleteFrom('instances').where('id', '=', 'ins_other').execute();
});

it('paced sending waits before taking the next email, not while holding it', async () => {
  const first = await queue('Paced 1');
  const second = await queue('Paced 2');
  await eventually(async () => (await message(first)).state === 'sent', 3000);
  // The second waits out the gap (a second) without a lease.
  expect((await message(second)).state).toBe('pending');
  await eventually(async () => (await message(second)).state === 'sent', 3000);
  const [a, b] = world.smtp.received.filter((m) => m.subject.startsWith('Paced'));
  expect(b.at - a.at).toBeGreaterThanOrEqual(900);
});

it('a lease a crash left behind goes back to pending even when the mailbox needs re-authentication', async () => {
  await world.rg.db.updateTable('accounts').set({ state: 'needs_reauth' }).where('id', '=', world.account.id).execute();
  const id = await queue('Crashed');
  const lapsed = new Date(Date.now() - 1000).toISOString();
  await world.rg.db.updateTable('outbox_messages').set({ state: 'sending', lease_owner: 'ins_dead', lease_until: lapsed, attempts: 1 }).where('id', '=', id).execute();
  await world.rg.outbox.sweep();
  expect(await row(id)).toMatchObject({ state: 'pending', lease_owner: null, lease_until: null, attempts: 1 });
  await world.rg.db.updateTable('accounts').set({ state: 'connected' }).where('id', '=', world.account.id).execute();
});

it('a stopped outbox takes no email; started again, it sends', async () => {
  await world.rg.outbox.stop();
  const id = await queue('After stop');
  await new Promise((r) => setTimeout(r, 300));
  expect(await row(id)).toMatchObject({ state: 'pending', attempts: 0, lease_owner: null });
  world.rg.outbox.start();
  await eventually(async () => (await message(id)).state === 'sent', 5000);
});
