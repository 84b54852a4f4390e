import { sql, type Kysely } from 'kysely';

/**
 * What `GET /api/status?since=VERSION` answers from. Status versions become points of one
 * sequence (`status_sequence`, one row): every visible change takes the next value, stamps it
 * on the mailboxes it changed (`accounts.status_seq`) and makes it the version of every user
 * who sees them. A mailbox a user no longer sees (removed, or given to another owner) leaves a
 * row in `status_removals` for a bounded time; `removals_floor` is the newest version whose
 * removals are no longer all kept, and a `since` below it gets the full list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('status_sequence')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('removals_floor', 'integer', (c) => c.notNull())
    .execute();
  // Versions given out before this migration were counters of their own user: none of them
  // can be answered with a delta, and every later version is above all of them.
  await sql`insert into status_sequence (id, value, removals_floor)
    select 1, coalesce(max(status_version), 0) + 1, coalesce(max(status_version), 0) + 1 from users`.execute(db);
  await sql`update users set status_version = (select value from status_sequence)`.execute(db);
  await db.schema.alterTable('accounts').addColumn('status_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('status_removals')
    .addColumn('account_id', 'text', (c) => c.notNull())
    /** Who no longer sees it: its owner before it went. */
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('status_removals_seq').on('status_removals').columns(['seq']).execute();
  await db.schema.createIndex('accounts_status_seq').on('accounts').columns(['status_seq']).execute();
}
