import type { Kysely } from 'kysely';

/**
 * Bulk CSV imports: the uploaded file (sealed: it holds passwords) until its run ends, the
 * mapping chosen, who holds the run (a lease, so a restarted server resumes it), and one
 * result per data row, written in the same transaction as the mailbox it created or updated.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('delimiter', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('sealed_file', 'text')
    .addColumn('mapping', 'text')
    .addColumn('update_existing', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('report_state', 'text')
    .addColumn('report_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report_next_at', 'text')
    .addColumn('report_error', 'text')
    .execute();
  await db.schema.createIndex('imports_user').on('imports').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('imports_state').on('imports').columns(['state', 'lease_until']).execute();

  await db.schema
    .createTable('import_rows')
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_rows_pk', ['import_id', 'line'])
    .execute();
}
