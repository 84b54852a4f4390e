import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loopbackHosts } from '../../test/support/hosts.ts';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.ts';
import { createSealer } from '../crypto/index.ts';
import { migrate, type Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { silentLogger } from '../log/index.ts';
import { WEBHOOK_ATTEMPTS } from '../retry/policy.ts';
import { createDispatcher, KEEP_FINISHED_MS } from './dispatch.ts';
import { bodyContext } from './record.ts';
import { createWebhookStore } from './store.ts';

let db: Db;
let receiver: Receiver;
const sealer = createSealer(randomBytes(32));
const actor = { id: 'usr_ann', email: 'ann@acme.test', role: 'member' as const };

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrate(db);
  const now = new Date().toISOString();
  await db.insertInto('users').values({ id: actor.id, email: actor.email, name: null, role: 'member', status_touched_at: null, created_at: now }).execute();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await db?.destroy();
});
beforeEach(async () => {
  await db.deleteFrom('webhooks').execute();
  await db.deleteFrom('instances').execute();
  receiver.received.length = 0;
  receiver.script.length = 0;
});

/** A standard webhook to the receiver with one pending delivery; answers its secret and the delivery's id. */
async function pendingDelivery(id = 'msg_1'): Promise<{ secret: string; id: string }> {
  const hook = await createWebhookStore({ db, sealer, hosts: loopbackHosts }).create(actor, { url: receiver.url, format: 'standard' });
  const now = new Date().toISOString();
  const body = JSON.stringify({ type: 'mailbox.needs_reauth', timestamp: now, data: { email: 'ops@acme.test' } });
  await db
    .insertInto('webhook_deliveries')
    .values({ id, webhook_id: hook.id, account_id: null, event_id: 'evt_1', event_type: 'mailbox.needs_reauth', body: sealer.seal(body, bodyContext(id)), state: 'pending', next_attempt_at: now, lease_owner: null, lease_until: null, response_status: null, last_error: null, created_at: now, last_attempt_at: null })
    .execute();
  return { secret: hook.secret!, id };
}

const row = (id: string) => db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

it('a refused delivery is re-tried after 5 s, 30 s, 2 min, 10 min, 1 h and 6 h, with the same id and body, then shown as failed', async () => {
  const { secret, id } = await pendingDelivery();
  receiver.script.push(...Array(10).fill(503));
  const dispatcher = createDispatcher({ db, sealer, hosts: loopbackHosts, instanceId: 'ins_me', logger: silentLogger });
  const waits: number[] = [];
  for (let n = 1; n <= WEBHOOK_ATTEMPTS; n++) {
    await dispatcher.kick();
    const after = await row(id);
    expect(after.attempts).toBe(n);
    expect(after.response_status).toBe(503);
    expect(after.last_error).toBe('503 Service Unavailable: try later');
    if (n < WEBHOOK_ATTEMPTS) {
      expect(after.state).toBe('pending');
      waits.push(Date.parse(after.next_attempt_at) - Date.parse(after.last_attempt_at!));
      // Not due yet: a kick now sends nothing.
      await dispatcher.kick();
      expect(receiver.received).toHaveLength(n);
      // As if the wait were over.
      await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date().toISOString() }).where('id', '=', id).execute();
    } else {
      expect(after.state).toBe('failed');
    }
  }
  expect(waits).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000]);
  await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(0).toISOString() }).where('id', '=', id).execute();
  await dispatcher.kick();
  expect(receiver.received).toHaveLength(WEBHOOK_ATTEMPTS);
  expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
  expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  // Every attempt is signed anew and verifies.
  for (const r of receiver.received) expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
});

it('a delivery left sending by an instance that died is taken over at once; one a live instance holds is left to it', async () => {
  const { id } = await pendingDelivery('msg_dead');
  const until = new Date(Date.now() + 60_000).toISOString();
  await db.updateTable('webhook_deliveries').set({ state: 'sending', lease_owner: 'ins_dead', lease_until: until }).where('id', '=', id).execute();
  const now = new Date().toISOString();
  await db.insertInto('instances').values({ id: 'ins_alive', host: null, pid: null, started_at: now, heartbeat_at: now }).execute();
  const held = await pendingDelivery('msg_held');
  await db.updateTable('webhook_deliveries').set({ state: 'sending', lease_owner: 'ins_alive', lease_until: until }).where('id', '=', held.id).execute();

  await createDispatcher({ db, sealer, hosts: loopbackHosts, instanceId: 'ins_next', logger: silentLogger }).kick();
  expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([id]);
  expect(await row(id)).toMatchObject({ state: 'delivered', attempts: 1, response_status: 200, lease_owner: null });
  expect(await row(held.id)).toMatchObject({ state: 'sending', lease_owner: 'ins_alive' });
});

it("a delivery's body, the webhook's URL and its secret are sealed in the database", async () => {
  const { id } = await pendingDelivery();
  const stored = await row(id);
  expect(stored.body).toMatch(/^v1\./);
  expect(stored.body).not.toContain('ops@acme.test');
  const hook = await db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
  expect(hook.secret).toMatch(/^v1\./);
  expect(hook.url).toMatch(/^v1\./);
  expect(JSON.stringify(hook)).not.toContain('127.0.0.1');
});

it('finished deliveries are kept 30 days; pending ones stay however old', async () => {
  await pendingDelivery('msg_old_done');
  await pendingDelivery('msg_recent_failed');
  await pendingDelivery('msg_old_pending');
  const old = new Date(Date.now() - KEEP_FINISHED_MS - 60_000).toISOString();
  const future = new Date(Date.now() + 3_600_000).toISOString();
  await db.updateTable('webhook_deliveries').set({ state: 'delivered', created_at: old }).where('id', '=', 'msg_old_done').execute();
  await db.updateTable('webhook_deliveries').set({ state: 'failed' }).where('id', '=', 'msg_recent_failed').execute();
  await db.updateTable('webhook_deliveries').set({ created_at: old, next_attempt_at: future }).where('id', '=', 'msg_old_pending').execute();
  await createDispatcher({ db, sealer, hosts: loopbackHosts, instanceId: 'ins_me', logger: silentLogger }).kick();
  const left = await db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute();
  expect(left.map((r) => r.id)).toEqual(['msg_old_pending', 'msg_recent_failed']);
});

it('a waiting grouped item is never sent itself, and a group that fails to be written does not hold up the deliveries', async () => {
  const { id } = await pendingDelivery('msg_sent');
  await db.insertInto('webhook_deliveries').values({ ...(await row(id)), id: 'msg_item', event_id: 'evt_2', grouped: 'waiting' }).execute();
  const errors: string[] = [];
  const logger = { ...silentLogger, error: (event: string) => void errors.push(event) };
  const dispatcher = createDispatcher({ db, sealer, hosts: loopbackHosts, instanceId: 'ins_me', logger, compose: () => Promise.reject(new Error('database away')) });
  await dispatcher.kick();
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0].headers['webhook-id']).toBe('msg_sent');
  expect(errors).toEqual(['webhook.group_failed']);
  expect(await row('msg_item')).toMatchObject({ state: 'pending', attempts: 0, grouped: 'waiting' });
});
