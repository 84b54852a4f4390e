import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loopbackHosts } from '../../test/support/hosts.ts';
import { newAccountRow } from '../accounts/new-row.ts';
import { createAlertGroups } from '../alerts/grouper.ts';
import { createSealer } from '../crypto/index.ts';
import { migrate, type Db } from '../db/index.ts';
import type { AccountRow, Database } from '../db/schema.ts';
import { silentLogger } from '../log/index.ts';
import { createIncidentLinks } from '../reauth/incident-links.ts';
import { createChatGroups, GROUPED_MESSAGE } from './groups.ts';
import { bodyContext, createRecorder } from './record.ts';
import { createWebhookStore } from './store.ts';

let db: Db;
let offset = 0;
const clock = () => new Date(Date.now() + offset);
const sealer = createSealer(randomBytes(32));
const boss = { id: 'usr_boss', email: 'boss@acme.test', role: 'admin' as const };
const publicUrl = 'https://regrant.acme.test';
const links = createIncidentLinks({ sealer, publicUrl, ttlHours: 72 });
const recorder = createRecorder({ sealer, workspaceName: 'Acme', links, clock, onRecorded: () => undefined });
const timers = { groupWaitSeconds: 60, groupIntervalSeconds: 300, reminderHours: 0, timeZone: 'UTC' };
const groups = () => {
  const alerts = createAlertGroups({ db, clock, timers, workspace: 'Acme', links, add: async () => undefined, logger: silentLogger });
  return createChatGroups({ db, sealer, clock, timers, workspace: 'Acme', describe: (ids) => alerts.describe(ids) });
};
let hookId = '';

const MAILBOXES = { acc_a: ['a@acme.test', 'google'], acc_b: ['b@acme.test', 'custom'], acc_c: ['c@acme.test', 'microsoft'] } as const;

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrate(db);
  const now = new Date().toISOString();
  await db.insertInto('users').values({ id: boss.id, email: boss.email, name: null, role: 'admin', status_touched_at: null, created_at: now }).execute();
  for (const [id, [email, provider]] of Object.entries(MAILBOXES)) await db.insertInto('accounts').values(newAccountRow({ id, email, ownerId: boss.id, provider, now })).execute();
});
afterAll(() => db?.destroy());
beforeEach(async () => {
  await db.deleteFrom('webhooks').execute();
  hookId = (await createWebhookStore({ db, sealer, hosts: loopbackHosts }).create(boss, { url: 'http://127.0.0.1:9/slack', format: 'slack' })).id;
  offset = 0;
});

/** `id` changes state as transition.ts writes it (the account row, its incident), with its webhook items. */
async function change(id: keyof typeof MAILBOXES, to: AccountRow['state'], eventId: string) {
  const from = (await db.selectFrom('accounts').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const incident = to === 'connected' ? {} : { incident_event_id: eventId };
  await db.updateTable('accounts').set({ state: to, reason_code: to === 'connected' ? null : 'grant_revoked', reason_message: to === 'connected' ? null : `${id} broke.`, state_changed_at: clock().toISOString(), ...incident }).where('id', '=', id).execute();
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await db.transaction().execute((trx) => recorder.record(trx, row, { id: eventId, account_id: id, at: clock().toISOString(), from_state: from, to_state: to, reason_code: 'grant_revoked', message: `${id} broke.`, hint: null, detail: null }));
}
const rows = () => db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', hookId).orderBy('created_at').execute();

it('holds losses for the wait, then one message of the mailboxes still lost; two instances at once write it once', async () => {
  await change('acc_a', 'needs_reauth', 'evt_a1');
  await change('acc_b', 'unreachable', 'evt_b1');
  await change('acc_c', 'needs_reauth', 'evt_c1');
  await change('acc_c', 'connected', 'evt_c2');
  const [first, second] = [groups(), groups()];
  expect(await first.composeDue()).toBe(0);
  expect((await rows()).filter((r) => r.grouped === null).map((r) => r.event_type)).toEqual(['mailbox.reconnected']);

  offset = 61_000;
  const written = await Promise.all([first.composeDue(), second.composeDue()]);
  expect(written[0] + written[1]).toBe(1);
  const all = await rows();
  const message = all.find((r) => r.event_type === GROUPED_MESSAGE)!;
  expect(all.filter((r) => r.event_type === GROUPED_MESSAGE)).toHaveLength(1);
  expect(message).toMatchObject({ state: 'pending', grouped: null, account_id: null });
  const text = (JSON.parse(sealer.open(message.body, bodyContext(message.id))) as { text: string }).text;
  expect(text).toContain('a@acme.test');
  expect(text).toMatch(/<https:\/\/regrant\.acme\.test\/r\/r_[\w-]+\|Reconnect a@acme\.test>/);
  expect(text).toContain('*Unreachable*');
  expect(text).toContain('• b@acme.test: acc_b broke.');
  expect(text).not.toContain('c@acme.test');
  expect(all.filter((r) => r.grouped !== null).map((r) => [r.event_type, r.grouped, r.group_id])).toEqual([
    ['mailbox.needs_reauth', 'merged', message.id],
    ['mailbox.unreachable', 'merged', message.id],
    ['mailbox.needs_reauth', 'merged', message.id],
  ]);
});

it('a lone loss keeps its single message, after the interval from the last loss message; none when it was fixed meanwhile', async () => {
  await change('acc_a', 'connected', 'evt_a2');
  await change('acc_b', 'connected', 'evt_b2');
  await change('acc_a', 'needs_reauth', 'evt_a3');
  offset = 61_000;
  expect(await groups().composeDue()).toBe(1);
  const lone = (await rows()).find((r) => r.grouped === null && r.event_type === 'mailbox.needs_reauth')!;
  expect(lone.account_id).toBe('acc_a');
  expect((JSON.parse(sealer.open(lone.body, bodyContext(lone.id))) as { text: string }).text).toContain('a@acme.test needs re-authentication');

  // The next loss waits 300 s from that message, not 60 s from itself.
  await change('acc_b', 'unreachable', 'evt_b3');
  offset += 61_000;
  expect(await groups().composeDue()).toBe(0);
  await change('acc_b', 'connected', 'evt_b4');
  offset += 240_000;
  expect(await groups().composeDue()).toBe(0);
  const item = (await rows()).find((r) => r.event_id === 'evt_b3')!;
  expect(item).toMatchObject({ grouped: 'merged', group_id: null });
  expect((await rows()).filter((r) => r.grouped === null && r.event_type !== 'mailbox.reconnected')).toHaveLength(1);
});
