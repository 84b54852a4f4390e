import type { Kysely } from 'kysely';

/**
 * Tries of a custom mailbox's repair link (a share link whose page asks for the new password):
 * one row per password sent to the mailbox's servers that did not pass, written before the
 * sign-in is tried (`testing`) and kept when it was refused (`wrong`), removed when it passed
 * or reached no server. A link allows 5 wrong tries, a mailbox 10 in 24 hours across its
 * links: Regrant must not become a way to guess passwords against the customer's mail server.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('repair_tries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('share_link_id', 'text', (c) => c.notNull().references('share_links.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('repair_tries_link').on('repair_tries').column('share_link_id').execute();
  await db.schema.createIndex('repair_tries_account').on('repair_tries').columns(['account_id', 'at']).execute();
}
