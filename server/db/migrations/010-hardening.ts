import { sql, type Kysely } from 'kysely';

/**
 * Second hardening pass (issue 27):
 * - `accounts.verified_at`: when the mailbox first proved itself (a check that passed, or an
 *   OAuth connect). Regrant emails a mailbox's own address only once it is set. Mailboxes that
 *   are connected today, or came by OAuth, have proved themselves already.
 * - `api_tokens.last_used_at` (written at most hourly) and `api_tokens.expires_at` (null: never).
 * - `pending_connections`: a member's Google/Microsoft connect of an address that is not their
 *   own, held with its sealed grant until an admin approves or refuses it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('verified_at', 'text').execute();
  await sql`UPDATE accounts SET verified_at = state_changed_at WHERE state = 'connected' OR provider <> 'custom'`.execute(db);
  // Alerts about one member's mailboxes in the last hour are counted (notify/recipients.ts).
  await db.schema.createIndex('mail_queue_account_time').on('mail_queue').columns(['account_id', 'created_at']).execute();
  await db.schema.alterTable('api_tokens').addColumn('last_used_at', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  await db.schema
    .createTable('pending_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('refresh_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision', 'text')
    .execute();
  await db.schema.createIndex('pending_connections_open').on('pending_connections').columns(['decided_at', 'created_at']).execute();
}
