/**
 * What other modules may read of the `accounts` table, as functions that take the database
 * or a transaction (kysely's repository pattern). Writes go through transition.ts, leases
 * through leases.ts; nothing outside accounts/ queries the table itself.
 *
 * @example
 *   const row = await findAccount(db, 'acc_…');          // or undefined
 *   const known = await findAccountsByEmail(db, emails); // Map address → row
 */
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AccountRow, Database } from '../db/schema.ts';

/** Addresses per `IN (…)` list: far below SQLite's bound-variable limit. */
const IN_CHUNK = 500;

export async function findAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The mailboxes among `emails` that exist, by address. */
export async function findAccountsByEmail(db: Db, emails: readonly string[]): Promise<Map<string, AccountRow>> {
  const found = new Map<string, AccountRow>();
  for (let i = 0; i < emails.length; i += IN_CHUNK) {
    for (const row of await db.selectFrom('accounts').selectAll().where('email', 'in', emails.slice(i, i + IN_CHUNK)).execute()) found.set(row.email, row);
  }
  return found;
}

/** A condition for a query on another table: the mailbox `accountId` is connected now. */
export const accountIsConnected = (accountId: string) => (eb: ExpressionBuilder<Database, 'outbox_messages'>) =>
  eb.exists(eb.selectFrom('accounts').select('accounts.id').where('accounts.id', '=', accountId).where('accounts.state', '=', 'connected'));

/** Connected mailboxes that have queued email at some point: the ones whose inbox may hold answers. */
export async function connectedIdsWithSentMail(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('id')
    .where('state', '=', 'connected')
    .where((eb) => eb.exists(eb.selectFrom('outbox_messages').select('id').whereRef('outbox_messages.account_id', '=', 'accounts.id')))
    .execute();
  return rows.map((r) => r.id);
}
