/**
 * Per-user status versions: the ETag of /api/status. A change anyone can see bumps the
 * version of the account's owner and of every admin at once ("hard"). A check that only moved
 * `lastCheckedAt` bumps it at most once per half check interval ("soft"), so polling clients
 * get 304s in a steady state while a cached copy's check times lag by about one interval at most.
 * Only auth/ writes the users table; accounts/ and the outbox call these.
 *
 * @example await bumpStatusVersion(trx, account.owner_id, 'hard', 300);
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

export type StatusChange = 'hard' | 'soft';

export async function bumpStatusVersion(db: Db, ownerId: string, change: StatusChange, checkIntervalSeconds: number): Promise<void> {
  const now = new Date();
  let query = db
    .updateTable('users')
    .set({ status_version: sql`status_version + 1`, status_touched_at: now.toISOString() })
    .where((eb) => eb.or([eb('role', '=', 'admin'), eb('id', '=', ownerId)]));
  if (change === 'soft') {
    const cutoff = new Date(now.getTime() - (checkIntervalSeconds * 1000) / 2).toISOString();
    query = query.where((eb) => eb.or([eb('status_touched_at', 'is', null), eb('status_touched_at', '<', cutoff)]));
  }
  await query.execute();
}

/** The ETag a user's status answer carries; derived from the user row alone. */
export function statusEtag(user: { id: string; status_version: number }): string {
  return `"s${user.status_version}-${user.id.slice(-8)}"`;
}

/**
 * Bumps gathered over a batch of writes, made once per owner at the end (a hard change
 * anywhere in the batch makes it hard).
 *
 * @example
 *   const versions = new StatusVersions();
 *   versions.note(ownerId, 'soft');
 *   await versions.bump(trx, 300);
 */
export class StatusVersions {
  private readonly owners = new Map<string, StatusChange>();

  note(ownerId: string, change: StatusChange): void {
    if (this.owners.get(ownerId) !== 'hard') this.owners.set(ownerId, change);
  }

  async bump(db: Db, checkIntervalSeconds: number): Promise<void> {
    for (const [owner, change] of this.owners) await bumpStatusVersion(db, owner, change, checkIntervalSeconds);
    this.owners.clear();
  }
}
