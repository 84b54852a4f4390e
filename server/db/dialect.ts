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
