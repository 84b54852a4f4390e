/**
 * Writes what checks found, through accounts' one writer of a mailbox's state: each
 * account's new state (only while its lease and settings are the ones checked), its events,
 * the incident's alerts, and the owners' status versions. Results that arrive in the same
 * turn of the event loop share one transaction: a cycle finishes dozens of checks at once,
 * and a transaction each was most of a check's database time. Should that transaction fail,
 * each result is written alone, so one bad result cannot take the others down with it.
 *
 * @example
 *   const results = createResultWriter({ db, accounts, intervalSeconds: 300 });
 *   const t = await results.write({ row, failures: [], manual: false }); // t.after null: superseded
 */
import type { Accounts } from '../accounts/index.ts';
import type { Transition } from '../accounts/transition.ts';
import { StatusVersions } from '../accounts/status-stamp.ts';
import type { Db } from '../db/index.ts';
import type { AccountRow } from '../db/schema.ts';
import type { Classification } from './classify.ts';

export interface ResultWrite {
  /** The account as it was leased and checked. */
  row: AccountRow;
  /** What the check found: none when the login works. */
  failures: Classification[];
  /** A person asked for this check. */
  manual: boolean;
}

interface Pending {
  write: ResultWrite;
  resolve(t: Transition): void;
  reject(error: unknown): void;
}

export function createResultWriter({ db, accounts, intervalSeconds }: { db: Db; accounts: Pick<Accounts, 'transition'>; intervalSeconds: number }) {
  let pending: Pending[] = [];

  async function writeAll(trx: Db, writes: ResultWrite[]): Promise<Transition[]> {
    const versions = new StatusVersions();
    const written: Transition[] = [];
    for (const { row, failures, manual } of writes) {
      written.push(
        await accounts.transition(trx, row, { kind: 'signin', failures, manual }, {
          set: { lease_owner: null, lease_until: null },
          // Only if nobody changed the settings meanwhile and the lease is still ours.
          expect: { leaseOwner: row.lease_owner, updatedAt: row.updated_at },
          versions,
        }),
      );
    }
    await versions.bump(trx, intervalSeconds);
    return written;
  }

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    try {
      const written = await db.transaction().execute((trx) => writeAll(trx, batch.map((p) => p.write)));
      batch.forEach((p, i) => p.resolve(written[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const p of batch) {
        await db.transaction().execute((trx) => writeAll(trx, [p.write])).then(([t]) => p.resolve(t), p.reject);
      }
    }
  }

  return {
    /** Writes one result with the others of this turn; `after` is null when its settings or lease changed meanwhile. */
    write(write: ResultWrite): Promise<Transition> {
      return new Promise((resolve, reject) => {
        pending.push({ write, resolve, reject });
        if (pending.length === 1) setImmediate(() => void flush());
      });
    },
  };
}

export type ResultWriter = ReturnType<typeof createResultWriter>;
