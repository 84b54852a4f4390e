import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loopbackHosts } from '../../test/support/hosts.ts';
import { newAccountRow } from '../accounts/new-row.ts';
import { createSealer } from '../crypto/index.ts';
import { migrate, type Db } from '../db/index.ts';
import type { AccountRow, Database, NewAccountEvent } from '../db/schema.ts';
import { createIncidentLinks } from '../reauth/incident-links.ts';
import { createShareLinks } from '../reauth/share-links.ts';
import { bodyContext, createRecorder, eventTypeOf } from './record.ts';
import { createWebhookStore } from './store.ts';

let db: Db;
const sealer = createSealer(randomBytes(32));
const users = { boss: 'admin', ann: 'member', sam: 'member' } as const;
const actor = (name: keyof typeof users) => ({ id: `usr_${name}`, email: `${name}@acme.test`, role: users[name] });
let kicks = 0;
const incidents = createIncidentLinks({ sealer, publicUrl: 'https://regrant.acme.test', ttlHours: 72 });
const recorder = createRecorder({ sealer, workspaceName: 'Acme', links: incidents, onRecorded: () => void kicks++ });

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrate(db);
  const now = new Date().toISOString();
  for (const [name, role] of Object.entries(users)) await db.insertInto('users').values({ id: `usr_${name}`, email: `${name}@acme.test`, name: null, role, status_touched_at: null, created_at: now }).execute();
  await db.insertInto('accounts').values(newAccountRow({ id: 'acc_gmail', email: 'sales@acme.test', ownerId: 'usr_ann', provider: 'google', now })).execute();
});
afterAll(() => db?.destroy());
beforeEach(async () => {
  await db.deleteFrom('webhooks').execute();
  await db.deleteFrom('share_links').execute();
  kicks = 0;
});

const account = async (state: AccountRow['state']) => ({ ...(await db.selectFrom('accounts').selectAll().where('id', '=', 'acc_gmail').executeTakeFirstOrThrow()), state });
const event = (id: string, from: AccountRow['state'], to: AccountRow['state']): NewAccountEvent => ({ id, account_id: 'acc_gmail', at: new Date().toISOString(), from_state: from, to_state: to, reason_code: 'x', message: 'What happened.', hint: null, detail: null });
const hook = (name: keyof typeof users, events?: Array<'mailbox.needs_reauth' | 'mailbox.unreachable' | 'mailbox.reconnected'>) =>
  createWebhookStore({ db, sealer, hosts: loopbackHosts }).create(actor(name), { url: `http://127.0.0.1:9/${name}`, format: 'standard', events });
/** Records in a transaction of its own, as transition.ts does (the row is read first: one connection), with the event's reason written on the row. */
async function recordIn(state: AccountRow['state'], e: NewAccountEvent, opens = false) {
  const row = { ...(await account(state)), reason_code: e.reason_code ?? null };
  await db.transaction().execute(async (trx) => {
    if (opens) await incidents.open(trx, row.id, e.reason_code ?? '');
    await recorder.record(trx, row, e);
  });
}
const deliveries = () => db.selectFrom('webhook_deliveries').selectAll().orderBy('webhook_id').execute();

it('state changes are webhook events; trouble and a re-grant of a connected mailbox are not', () => {
  expect(eventTypeOf({ from_state: 'connected', to_state: 'needs_reauth' })).toBe('mailbox.needs_reauth');
  expect(eventTypeOf({ from_state: 'new', to_state: 'unreachable' })).toBe('mailbox.unreachable');
  expect(eventTypeOf({ from_state: 'unreachable', to_state: 'connected' })).toBe('mailbox.reconnected');
  expect(eventTypeOf({ from_state: 'needs_reauth', to_state: 'connected' })).toBe('mailbox.reconnected');
  expect(eventTypeOf({ from_state: 'new', to_state: 'connected' })).toBeNull();
  expect(eventTypeOf({ from_state: 'connected', to_state: 'connected' })).toBeNull();
  expect(eventTypeOf({ kind: 'trouble', from_state: 'connected', to_state: 'connected' })).toBeNull();
});

it("the owner's and every admin's webhooks hear a mailbox, another member's do not; each only the events it chose", async () => {
  const owners = await hook('ann', ['mailbox.unreachable']);
  const admins = await hook('boss');
  await hook('sam');
  const quiet = await hook('ann', ['mailbox.reconnected']);
  await recordIn('unreachable', event('evt_1', 'connected', 'unreachable'));
  expect((await deliveries()).map((d) => d.webhook_id).sort()).toEqual([owners.id, admins.id].sort());
  expect(kicks).toBe(1);
  // The same event again (a retried transaction, a second look) adds nothing.
  await recordIn('unreachable', event('evt_1', 'connected', 'unreachable'));
  expect(await deliveries()).toHaveLength(2);
  const [one] = await deliveries();
  const body = JSON.parse(sealer.open(one.body, bodyContext(one.id)));
  expect(body).toMatchObject({ type: 'mailbox.unreachable', data: { accountId: 'acc_gmail', email: 'sales@acme.test', provider: 'google', state: 'unreachable', reason: { code: 'x', message: 'What happened.' }, pendingEmails: 0 } });
  expect(body.data.shareUrl).toBeUndefined();
  expect(quiet.events).toEqual(['mailbox.reconnected']);
});

it("a needs_reauth carries the incident's link, the same for every webhook and every message; the next incident replaces it, a manual link stays", async () => {
  await hook('ann');
  await hook('boss');
  const manual = await createShareLinks({ db, publicUrl: 'https://regrant.acme.test', ttlHours: 72 }).create(await account('needs_reauth'), 'usr_ann');
  await recordIn('needs_reauth', event('evt_a', 'connected', 'needs_reauth'), true);
  const urls = (await deliveries()).map((d) => JSON.parse(sealer.open(d.body, bodyContext(d.id))).data.shareUrl);
  expect(urls[0]).toMatch(/^https:\/\/regrant\.acme\.test\/r\/r_/);
  expect(urls[1]).toBe(urls[0]);
  // What an alert email about the same incident shows.
  expect((await incidents.current(db, { ...(await account('needs_reauth')), reason_code: 'x' }))?.url).toBe(urls[0]);
  await recordIn('needs_reauth', event('evt_b', 'connected', 'needs_reauth'), true);
  const links = await db.selectFrom('share_links').select(['kind', 'revoked_at']).orderBy('created_at').orderBy('id').execute();
  expect(links.map((l) => [l.kind, l.revoked_at === null])).toEqual([['manual', true], ['incident', false], ['incident', true]]);
  // A new manual link does not revoke the incident link, which is in chat messages already.
  await createShareLinks({ db, publicUrl: 'https://regrant.acme.test', ttlHours: 72 }).create(await account('needs_reauth'), 'usr_ann');
  const live = await db.selectFrom('share_links').select('kind').where('revoked_at', 'is', null).orderBy('kind').execute();
  expect(live.map((l) => l.kind)).toEqual(['incident', 'manual']);
  expect(manual.url).toMatch(/\/r\/r_/);
});

it('a cause only an administrator can fix gets no share link, and says how to fix it', async () => {
  await hook('ann');
  const hint = 'The Regrant administrator must fix GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET; re-granting alone will not help.';
  await recordIn('needs_reauth', { ...event('evt_admin', 'connected', 'needs_reauth'), reason_code: 'oauth_client_invalid', hint });
  const [one] = await deliveries();
  const body = JSON.parse(sealer.open(one.body, bodyContext(one.id)));
  expect(body.data.reason).toEqual({ code: 'oauth_client_invalid', message: 'What happened.', hint });
  expect(body.data.shareUrl).toBeUndefined();
  expect(body.data.fixUrl).toBeUndefined();
  expect(await db.selectFrom('share_links').selectAll().execute()).toEqual([]);
});
