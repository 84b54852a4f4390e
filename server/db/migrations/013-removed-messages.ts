import type { Kysely } from 'kysely';

/**
 * What is left of a removed mailbox's emails: enough for `GET /api/messages/:id` to keep
 * answering (held ones as `failed`, reason `mailbox_removed`) once their mailbox, and with it
 * their bodies, are gone. No foreign key: the mailbox no longer exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('removed_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    /** Who may still read it: the mailbox's owner when it was removed, and whoever queued it. */
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .execute();
}
