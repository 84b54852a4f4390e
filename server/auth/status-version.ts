/**
 * Status versions: the ETag of /api/status and the `version` a delta is asked `since`. They
 * are points of one sequence (the `status_sequence` row): a change anyone can see ("hard")
 * takes the next value, stamps it on the mailboxes it changed, records the mailboxes someone
 * no longer sees, and makes it the version of the mailboxes' owners and of every admin. A check
 * that only moved `lastCheckedAt` ("soft") stamps no mailbox (a delta leaves check times out)
 * and moves a user's version at most once per half check interval, so polling clients get
 * 304s in a steady state while a full copy's check times lag by about one interval at most.
 *
 * The sequence row is written in the same transaction as the mailboxes, so changes commit in
 * the order of their versions: a reader that has seen version V has seen every change up to V.
 * Only auth/ writes the users table; accounts/ stamps the mailboxes (accounts/status-stamp.ts).
 *
 * @example const version = await bumpStatusVersions(trx, new Map([[ownerId, 'hard']]), 300);
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

export type StatusChange = 'hard' | 'soft';

/** A mailbox its former owner no longer sees: removed, or given to someone else. */
export interface RemovedMailbox {
  id: string;
  ownerId: string;
}

/** How long a removal is kept for deltas; a client away longer gets the full list. */
export const REMOVALS_KEPT_MS = 7 * 24 * 3600_000;
/** Ids per `IN (…)`: far below SQLite's bound-variable limit. */
const CHUNK = 500;

async function nextVersion(db: Db): Promise<number> {
  const row = await db.updateTable('status_sequence').set({ value: sql`value + 1` }).where('id', '=', 1).returning('value').executeTakeFirstOrThrow();
  return row.value;
}

/** The last version given out: read before the rows of an answer, it is the answer's `version`. */
export async function currentStatusVersion(db: Db): Promise<{ version: number; removalsFloor: number }> {
  const row = await db.selectFrom('status_sequence').select(['value', 'removals_floor']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { version: row.value, removalsFloor: row.removals_floor };
}

async function recordRemovals(db: Db, version: number, removed: readonly RemovedMailbox[]): Promise<void> {
  if (!removed.length) return;
  const now = new Date();
  for (let i = 0; i < removed.length; i += CHUNK) {
    await db
      .insertInto('status_removals')
      .values(removed.slice(i, i + CHUNK).map((r) => ({ account_id: r.id, owner_id: r.ownerId, seq: version, at: now.toISOString() })))
      .execute();
  }
  // Bounded retention: what is dropped raises the floor below which deltas are not answered.
  const cutoff = new Date(now.getTime() - REMOVALS_KEPT_MS).toISOString();
  const dropped = await db.deleteFrom('status_removals').where('at', '<', cutoff).returning('seq').execute();
  if (dropped.length) {
    const newest = Math.max(...dropped.map((d) => d.seq));
    await db.updateTable('status_sequence').set({ removals_floor: sql`case when removals_floor > ${newest} then removals_floor else ${newest} end` }).where('id', '=', 1).execute();
  }
}

/**
 * Takes the next version and makes it the version of `owners` (a hard change: and of every
 * admin), recording `removed`. Answers the version, for accounts/ to stamp on the mailboxes.
 */
export async function bumpStatusVersions(db: Db, owners: ReadonlyMap<string, StatusChange>, checkIntervalSeconds: number, removed: readonly RemovedMailbox[] = []): Promise<number> {
  const now = new Date();
  const version = await nextVersion(db);
  const hard = [...owners].filter(([, c]) => c === 'hard').map(([o]) => o);
  const soft = [...owners].filter(([, c]) => c === 'soft').map(([o]) => o);
  const set = { status_version: version, status_touched_at: now.toISOString() };
  if (hard.length) {
    await db.updateTable('users').set(set).where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', 'in', hard)])).execute();
    await recordRemovals(db, version, removed);
  }
  if (soft.length) {
    const cutoff = new Date(now.getTime() - (checkIntervalSeconds * 1000) / 2).toISOString();
    let query = db.updateTable('users').set(set).where((eb) => eb.or([eb('status_touched_at', 'is', null), eb('status_touched_at', '<', cutoff)]));
    // Admins see every mailbox; once a hard change moved them, their version is current already.
    query = hard.length ? query.where('id', 'in', soft).where('role', '!=', 'admin') : query.where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', 'in', soft)]));
    await query.execute();
  }
  return version;
}

/** The ETag a user's status answer carries; derived from the user row alone. */
export function statusEtag(user: { id: string; status_version: number }): string {
  return `"s${user.status_version}-${user.id.slice(-8)}"`;
}
