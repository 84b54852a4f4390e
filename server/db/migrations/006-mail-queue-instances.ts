import { sql, type Kysely } from 'kysely';

/**
 * One queue for every email Regrant sends itself (alerts and notices, import reports with
 * their CSV), and the instances table whose heartbeats say which lease owners still live.
 * Every lease owner is now an instance id: the outbox's `lease_token` becomes `lease_owner`.
 *
 * Alerts move into the queue as they are. Import reports do not: their email is composed
 * when the import finishes, from WORKSPACE_NAME and PUBLIC_URL, which a migration does not
 * know; imports came with migration 005 in the same release, so no database holds a report
 * still to send (a finished import's results stay readable, its CSV downloadable).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** Machine and process-id namespace, and the process id: a restart on the same machine sees at once that it died. */
    .addColumn('host', 'text')
    .addColumn('pid', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_queue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('event_id', 'text')
    .addColumn('import_id', 'text', (c) => c.references('imports.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    // One email per event and person (an incident's alert, a reconnection notice); rows
    // without an event never collide (NULLs are distinct on SQLite and PostgreSQL alike).
    .addUniqueConstraint('mail_queue_once_per_event', ['event_id', 'recipient'])
    .execute();
  await db.schema.createIndex('mail_queue_due').on('mail_queue').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('mail_queue_account').on('mail_queue').column('account_id').execute();
  await db.schema.createIndex('mail_queue_import').on('mail_queue').column('import_id').execute();

  await db.schema
    .createTable('mail_attachments')
    .addColumn('email_id', 'text', (c) => c.notNull().references('mail_queue.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_attachments_pk', ['email_id', 'position'])
    .execute();

  // An alert that was being sent has no lease now, so the queue takes it at once.
  await sql`insert into mail_queue (id, kind, recipient, subject, text_body, account_id, event_id, import_id, state, attempts, next_attempt_at, lease_owner, lease_until, last_error, created_at, sent_at)
    select id, 'alert', recipient, subject, body, account_id, event_id, null, state, attempts, next_attempt_at, null, null, last_error, created_at, sent_at from alerts`.execute(db);
  await db.schema.dropTable('alerts').execute();

  await db.schema.alterTable('outbox_messages').renameColumn('lease_token', 'lease_owner').execute();
  for (const column of ['report_state', 'report_attempts', 'report_next_at', 'report_error']) {
    await db.schema.alterTable('imports').dropColumn(column).execute();
  }
}
