import { adminAndOwnerEmails } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';

/** Who hears that a mailbox lost access: every admin, its owner and the mailbox itself, once each. */
export async function alertRecipients(db: Db, account: { email: string; owner_id: string }): Promise<string[]> {
  const people = await adminAndOwnerEmails(db, account.owner_id);
  return [...new Set([...people.map((p) => p.toLowerCase()), account.email.toLowerCase()])];
}
