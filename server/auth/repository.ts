/**
 * What other modules may read of the `users` table, as functions that take the database or a
 * transaction. Only auth/ writes users (status versions: status-version.ts).
 *
 * @example
 *   const owner = await findUser(trx, account.owner_id); // { id, email, role } or undefined
 *   const people = await adminAndOwnerEmails(trx, account.owner_id);
 */
import type { Db } from '../db/index.ts';
import type { User } from '../db/schema.ts';

export type UserSummary = Pick<User, 'id' | 'email' | 'role'>;

export async function findUser(db: Db, id: string): Promise<UserSummary | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserSummary | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'role']).where('email', '=', email).executeTakeFirst();
}

/** The addresses of every admin and of `ownerId`, in address order. */
export async function adminAndOwnerEmails(db: Db, ownerId: string): Promise<string[]> {
  const people = await db
    .selectFrom('users')
    .select('email')
    .where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', '=', ownerId)]))
    .orderBy('email')
    .execute();
  return people.map((p) => p.email);
}

/** Every admin and `ownerId`, in address order, with their roles. */
export async function adminsAndOwner(db: Db, ownerId: string): Promise<UserSummary[]> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role'])
    .where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', '=', ownerId)]))
    .orderBy('email')
    .execute();
}
