import type { Kysely } from 'kysely';

/**
 * Sign-in without the command line (issue 22):
 * - `signin_attempts`: one sign-in from the extension's `GET /login` to its token. It holds the
 *   extension's redirect URL, `state` and S256 challenge, the provider leg (hashes of its state
 *   and of the browser cookie, the nonce, the sealed PKCE verifier), the emailed code (its hash,
 *   expiry and wrong tries), and at the end the person and the one-time code for the extension
 *   (its hash, valid 60 s, used once). Only hashes of secrets are kept.
 * - `signin_identities`: who a provider's subject is (Google `sub`, Microsoft `tid:oid`), bound at
 *   the first sign-in; a Microsoft `email` claim alone never matches a user again.
 * - `member_invites`: an admin's invitation of an address with a role, for 7 days.
 * - `removed_members`: addresses an admin removed; SIGNIN_DOMAINS lets them in again only by a
 *   new invitation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signin_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('client_state', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('provider', 'text')
    .addColumn('provider_state_hash', 'text')
    .addColumn('nonce', 'text')
    .addColumn('provider_verifier', 'text')
    .addColumn('email', 'text')
    .addColumn('email_code_hash', 'text')
    .addColumn('email_code_expires_at', 'text')
    .addColumn('email_code_tries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('result_code_hash', 'text')
    .addColumn('result_code_expires_at', 'text')
    .addColumn('result_code_used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signin_attempts_state').on('signin_attempts').columns(['provider_state_hash']).execute();
  await db.schema.createIndex('signin_attempts_result').on('signin_attempts').columns(['result_code_hash']).execute();
  await db.schema.createIndex('signin_attempts_expiry').on('signin_attempts').columns(['expires_at']).execute();

  await db.schema
    .createTable('signin_identities')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('signin_identities_pk', ['provider', 'subject'])
    .execute();

  await db.schema
    .createTable('member_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('accepted_at', 'text')
    .execute();
  await db.schema.createIndex('member_invites_email').on('member_invites').columns(['email']).execute();

  await db.schema
    .createTable('removed_members')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .execute();
}
