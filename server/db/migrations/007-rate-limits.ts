import type { Kysely } from 'kysely';

/**
 * Rate-limit windows, one row per limit and client (an address, a hashed token, a user),
 * shared by every server process on the database so a limit holds across instances.
 * `reset_at` is when the window ends; ended rows are swept away.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_reset_at').on('rate_limits').column('reset_at').execute();
}
