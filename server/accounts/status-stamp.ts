/**
 * A visible change of mailboxes, said once: the owners' (and admins') status versions move
 * (auth/status-version.ts) and, for a hard change, the mailboxes carry the new version in
 * `status_seq`, so that `GET /api/status?since=` finds them. Every writer of what the status
 * shows (accounts/, the outbox's pending counts) goes through here.
 *
 * @example await markStatusChange(trx, account.owner_id, 'hard', 300, { accounts: [account.id] });
 */
import { bumpStatusVersions, type RemovedMailbox, type StatusChange } from '../auth/status-version.ts';
import { onPostgres } from '../db/dialect.ts';
import type { Db } from '../db/index.ts';

/** What a hard change touched: mailboxes changed, and mailboxes a former owner no longer sees. */
export interface StatusStamp {
  accounts?: readonly string[];
  removed?: readonly RemovedMailbox[];
}

/** Ids per `IN (…)`: far below SQLite's bound-variable limit. */
const CHUNK = 500;

async function stamp(db: Db, owners: ReadonlyMap<string, StatusChange>, checkIntervalSeconds: number, what: StatusStamp): Promise<void> {
  if (!owners.size) return;
  const ids = [...new Set(what.accounts ?? [])].sort();
  // A check's write locks its mailbox, then the status sequence; a stamp from elsewhere (an
  // email queued or sent) takes them in that order too, or the two deadlock on PostgreSQL.
  if (onPostgres(db) && ids.length && [...owners.values()].includes('hard')) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db.selectFrom('accounts').select('id').where('id', 'in', ids.slice(i, i + CHUNK)).orderBy('id').forNoKeyUpdate().execute();
    }
  }
  const version = await bumpStatusVersions(db, owners, checkIntervalSeconds, what.removed);
  if (![...owners.values()].includes('hard')) return;
  for (let i = 0; i < ids.length; i += CHUNK) {
    await db.updateTable('accounts').set({ status_seq: version }).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
  }
}

/** Moves the status of `owners`' mailboxes (several: a mailbox handed from one to another). */
export async function markStatusChange(db: Db, owners: string | readonly string[], change: StatusChange, checkIntervalSeconds: number, what: StatusStamp = {}): Promise<void> {
  await stamp(db, new Map((typeof owners === 'string' ? [owners] : owners).map((o) => [o, change])), checkIntervalSeconds, what);
}

/**
 * Changes gathered over a batch of writes, made at the end with one version (a hard change of
 * an owner's mailbox anywhere in the batch makes that owner's hard).
 *
 * @example
 *   const versions = new StatusVersions();
 *   versions.note(ownerId, 'hard', accountId);
 *   await versions.bump(trx, 300);
 */
export class StatusVersions {
  private readonly owners = new Map<string, StatusChange>();
  private readonly accounts: string[] = [];

  note(ownerId: string, change: StatusChange, accountId?: string): void {
    if (this.owners.get(ownerId) !== 'hard') this.owners.set(ownerId, change);
    if (change === 'hard' && accountId) this.accounts.push(accountId);
  }

  async bump(db: Db, checkIntervalSeconds: number): Promise<void> {
    await stamp(db, this.owners, checkIntervalSeconds, { accounts: this.accounts });
    this.owners.clear();
    this.accounts.length = 0;
  }
}
