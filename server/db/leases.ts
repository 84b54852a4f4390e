/**
 * When a lease is free to take: every claim in Regrant (checks, outbox sends, Regrant's own
 * emails, import runs) asks the same question. A lease is held by an instance (a server
 * process, `server/instances/`) until `lease_until`, and only while that instance's
 * heartbeat is fresh: the leases of an instance that died are free at once. The claimer's
 * own leases are judged by `lease_until` alone (it knows it is alive, even when a busy event
 * loop kept its heartbeat from being written for a while).
 *
 * Plain SQL on both SQLite and PostgreSQL, with times computed here (ISO strings).
 *
 * @example
 *   db.updateTable('accounts').set({ lease_owner: me, lease_until })
 *     .where((eb) => leaseFree(eb, { now, me }));
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.ts';

/** How often an instance writes its heartbeat. */
export const HEARTBEAT_MS = 3000;
/** An instance whose heartbeat is older than this is dead: its leases are free. */
export const HEARTBEAT_STALE_MS = 10_000;

/** The tables whose rows carry a lease (`lease_owner`, `lease_until`). */
export type LeasedTable = { [T in keyof Database]: Database[T] extends { lease_owner: string | null; lease_until: string | null } ? T : never }[keyof Database];

export interface LeaseQuestion {
  now: Date;
  /** The instance asking: its own leases last until `lease_until`. */
  me: string;
  /** Qualifies the columns when the query joins another leased table. */
  table?: LeasedTable;
}

/** The oldest heartbeat of a live instance, at `now`. */
export function liveSince(now: Date): string {
  return new Date(now.getTime() - HEARTBEAT_STALE_MS).toISOString();
}

export function leaseFree<TB extends keyof Database>(builder: ExpressionBuilder<Database, TB>, { now, me, table }: LeaseQuestion): Expression<SqlBool> {
  // The columns are named through sql.ref, so the query's own tables do not matter here.
  const eb = builder as unknown as ExpressionBuilder<Database, never>;
  const until = sql.ref<string | null>(table ? `${table}.lease_until` : 'lease_until');
  const owner = sql.ref<string | null>(table ? `${table}.lease_owner` : 'lease_owner');
  return eb.or([
    eb(until, 'is', null),
    eb(until, '<', now.toISOString()),
    eb.and([
      eb(owner, 'is not', null),
      eb(owner, '<>', me),
      eb.not(eb.exists(eb.selectFrom('instances').select('instances.id').where('instances.id', '=', owner).where('instances.heartbeat_at', '>=', liveSince(now)))),
    ]),
  ]);
}
