import type { Kysely } from 'kysely';

/** Share links and OAuth sign-in attempts (connect, re-grant, share link). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('share_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('share_links_account').on('share_links').column('account_id').execute();

  await db.schema
    .createTable('oauth_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('share_link_id', 'text', (c) => c.references('share_links.id').onDelete('cascade'))
    .addColumn('login_hint', 'text')
    .addColumn('start_token_hash', 'text', (c) => c.unique())
    .addColumn('start_expires_at', 'text')
    .addColumn('state_hash', 'text', (c) => c.unique())
    .addColumn('browser_hash', 'text')
    .addColumn('code_verifier', 'text')
    .addColumn('state_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .execute();
}
