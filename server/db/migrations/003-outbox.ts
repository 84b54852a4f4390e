import type { Kysely } from 'kysely';

/** Emails waiting to be sent (the outbox), where inbox scanning stopped, and the replies and bounces it found. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_token', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  // The head of a mailbox's queue, and the sweep for due retries and lapsed leases.
  await db.schema.createIndex('outbox_queue').on('outbox_messages').columns(['account_id', 'state', 'id']).execute();
  await db.schema.createIndex('outbox_due').on('outbox_messages').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('inbox_positions')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    /** The provider's own bookmark as JSON: IMAP UIDVALIDITY + last UID, or a Gmail historyId. */
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('scanned_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inbox_findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('outbox_message_id', 'text', (c) => c.notNull().references('outbox_messages.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('auto_reply', 'integer', (c) => c.notNull().defaultTo(0))
    /** The found mail's own Message-ID: the same mail seen twice (a rescan) is recorded once. */
    .addColumn('mail_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('recipient', 'text')
    .addColumn('status', 'text')
    .addColumn('action', 'text')
    .addColumn('diagnostic', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('found_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('inbox_findings_once', ['account_id', 'mail_id'])
    .execute();
  await db.schema.createIndex('inbox_findings_account').on('inbox_findings').columns(['account_id', 'kind', 'id']).execute();
}
