import type { Kysely } from 'kysely';

/** The last test email Test Sending sent from each mailbox, for Test Receiving to look for. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('test_emails')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    /** When Test Receiving found it in INBOX; null until then. */
    .addColumn('arrived_at', 'text')
    .execute();
}
