/**
 * Mailboxes and people: how many each person owns, and handing every mailbox of a person
 * who is removed to another owner, in the removal's transaction. The new owner sees them at
 * once (a hard status change); share links and sign-ins under way spoke for the old owner and end.
 *
 * @example
 *   await db.transaction().execute((trx) => handOverMailboxes(trx, removedId, newOwnerId, 300));
 *   const counts = await mailboxCounts(db); // Map userId → mailboxes owned
 */
import type { Db } from '../db/index.ts';
import { markStatusChange } from './status-stamp.ts';

export async function mailboxCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('accounts').select(['owner_id']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('owner_id').execute();
  return new Map(rows.map((r) => [r.owner_id, Number(r.n)]));
}

/** Answers how many mailboxes moved. */
export async function handOverMailboxes(trx: Db, fromId: string, toId: string, checkIntervalSeconds: number): Promise<number> {
  const moved = await trx.selectFrom('accounts').select('id').where('owner_id', '=', fromId).execute();
  if (!moved.length) return 0;
  const ids = moved.map((m) => m.id);
  const now = new Date().toISOString();
  await trx.updateTable('accounts').set({ owner_id: toId, updated_at: now }).where('owner_id', '=', fromId).execute();
  await markStatusChange(trx, [fromId, toId], 'hard', checkIntervalSeconds, { accounts: ids, removed: ids.map((id) => ({ id, ownerId: fromId })) });
  await trx.updateTable('share_links').set({ revoked_at: now }).where('account_id', 'in', ids).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  await trx.updateTable('oauth_attempts').set({ finished_at: now, outcome: 'owner_changed' }).where('account_id', 'in', ids).where('finished_at', 'is', null).execute();
  return ids.length;
}
