/**
 * Check leases on account rows: a check claims an account for this instance (lease_owner,
 * lease_until) so two checks, in one process or two, never judge one mailbox at once, and
 * hands it back after. Whether an account's lease is free is decided in one place,
 * `leaseIsFree`, by the rule every lease of Regrant follows (db/leases.ts: lapsed, or its
 * instance died).
 *
 * @example
 *   const lease = { owner: instanceId, until, now: new Date() };
 *   const rows = await claimDueAccounts(db, lease, 20);
 *   await releaseAccount(db, rows[0]);
 */
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/index.ts';
import { skipLocked } from '../db/dialect.ts';
import { leaseFree } from '../db/leases.ts';
import type { AccountRow, AccountUpdate, Database } from '../db/schema.ts';

export interface Lease {
  /** The instance that claims (`server/instances/`). */
  owner: string;
  until: string;
  now: Date;
}

/** The account's lease may be taken by `lease.owner` now. */
export const leaseIsFree = (lease: Lease) => (eb: ExpressionBuilder<Database, 'accounts'>) => leaseFree(eb, { now: lease.now, me: lease.owner });

/** Claims up to `limit` accounts due for a check, oldest due first; answers their rows with the lease. */
export async function claimDueAccounts(db: Db, lease: Lease, limit: number): Promise<AccountRow[]> {
  const free = leaseIsFree(lease);
  // RETURNING hands back the claimed rows: finding them again by lease_owner scans the table.
  return db
    .updateTable('accounts')
    .set({ lease_owner: lease.owner, lease_until: lease.until })
    .where('id', 'in', (qb) => skipLocked(db, qb.selectFrom('accounts').select('id').where('next_check_at', '<=', lease.now.toISOString()).where(free).orderBy('next_check_at').limit(limit)))
    .where(free)
    .returningAll()
    .execute();
}

/** Claims one account whatever its schedule; null while another check holds it. */
export async function claimAccount(db: Db, id: string, lease: Lease): Promise<AccountRow | null> {
  const row = await db.updateTable('accounts').set({ lease_owner: lease.owner, lease_until: lease.until }).where('id', '=', id).where(leaseIsFree(lease)).returningAll().executeTakeFirst();
  return row ?? null;
}

/** Hands a claimed account back, with `patch` (a new schedule), while the lease is still the one it was claimed with. */
export async function releaseAccount(db: Db, row: AccountRow, patch: Pick<AccountUpdate, 'next_check_at'> = {}): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ ...patch, lease_owner: null, lease_until: null })
    .where('id', '=', row.id)
    .where('lease_owner', '=', row.lease_owner)
    .execute();
}
