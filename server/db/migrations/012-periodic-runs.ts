import type { Kysely } from 'kysely';

/**
 * Periodic jobs that the whole fleet runs once per period, not once per instance (the inbox
 * sweep, the sign-in housekeeping): one row per job, `next_run_at` claimed by a conditional
 * update (db/periodic.ts). Portable: the same on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('periodic_runs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    /** The instance that ran it last, for an operator reading the table. */
    .addColumn('ran_by', 'text')
    .execute();
}
