import type { Db } from '../db/index.ts';

/** Who hears that a mailbox lost access: every admin, its owner and the mailbox itself, once each. */
export async function alertRecipients(db: Db, account: { email: string; owner_id: string }): Promise<string[]> {
  const people = await db
    .selectFrom('users')
    .select('email')
    .where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', '=', account.owner_id)]))
    .orderBy('email')
    .execute();
  return [...new Set([...people.map((p) => p.email.toLowerCase()), account.email.toLowerCase()])];
}
