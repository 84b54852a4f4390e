/**
 * Which database a query runs on, for the few places where SQLite and PostgreSQL need
 * different SQL: row locks for claims (`for update skip locked`) and advisory locks exist
 * on PostgreSQL only, where several instances share the work; SQLite has one writer at a
 * time and needs neither.
 *
 * @example
 *   if (onPostgres(trx)) query = query.forUpdate().skipLocked();
 */
import { PostgresAdapter, type Kysely } from 'kysely';

export function onPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The rows a claim picks, locked on PostgreSQL with `for update skip locked`: instances claiming
 * at the same moment each take other rows instead of waiting on, then losing, the same ones.
 * SQLite runs one writer at a time and needs no lock.
 *
 * @example
 *   .where('id', 'in', (qb) => skipLocked(db, qb.selectFrom('accounts').select('id').limit(20)))
 */
export function skipLocked<QB extends { forUpdate(): QB; skipLocked(): QB }>(db: Kysely<any>, query: QB): QB {
  return onPostgres(db) ? query.forUpdate().skipLocked() : query;
}
