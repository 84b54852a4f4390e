import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Db } from './index.ts';
import { HEARTBEAT_STALE_MS, leaseFree } from './leases.ts';
import type { Database } from './schema.ts';

let db: Db;
const now = new Date('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrate(db);
  await db
    .insertInto('instances')
    .values([
      { id: 'ins_live', host: null, pid: null, started_at: ago(60_000), heartbeat_at: ago(2000) },
      { id: 'ins_stale', host: null, pid: null, started_at: ago(60_000), heartbeat_at: ago(HEARTBEAT_STALE_MS + 1) },
    ])
    .execute();
});
afterAll(() => db?.destroy());

/** Whether an email leased to `owner` until `until` is free for `me` at `now`. */
async function free(owner: string | null, until: string | null, me = 'ins_me'): Promise<boolean> {
  const id = `eml_${Math.random().toString(36).slice(2)}`;
  await db
    .insertInto('mail_queue')
    .values({ id, kind: 'alert', recipient: 'a@acme.test', subject: 's', text_body: 't', state: 'sending', next_attempt_at: ago(0), lease_owner: owner, lease_until: until, created_at: ago(0), account_id: null, event_id: null, import_id: null, last_error: null, sent_at: null })
    .execute();
  const row = await db.selectFrom('mail_queue').select('id').where('id', '=', id).where((eb) => leaseFree(eb, { now, me })).executeTakeFirst();
  return row !== undefined;
}

describe('leaseFree', () => {
  it('a lease of a live instance holds until it lapses', async () => {
    expect(await free('ins_live', later(60_000))).toBe(false);
    expect(await free('ins_live', ago(1))).toBe(true);
  });

  it('the lease of an instance without a fresh heartbeat, or with no row at all, is free at once', async () => {
    expect(await free('ins_stale', later(60_000))).toBe(true);
    expect(await free('ins_gone', later(60_000))).toBe(true);
  });

  it("the claimer's own lease lasts until it lapses, even while its own heartbeat is late", async () => {
    expect(await free('ins_stale', later(60_000), 'ins_stale')).toBe(false);
    expect(await free('ins_stale', ago(1), 'ins_stale')).toBe(true);
  });

  it('no lease is free; a row put off by nobody (owner empty, time set) waits for its time', async () => {
    expect(await free(null, null)).toBe(true);
    expect(await free(null, later(5000))).toBe(false);
    expect(await free(null, ago(1))).toBe(true);
  });
});
