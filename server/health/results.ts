/**
 * Writes what checks found: each account's new state (only while its lease and settings are
 * the ones checked), the event, the incident's alerts, and the owners' status versions.
 * Results that arrive in the same turn of the event loop share one transaction: a cycle
 * finishes dozens of checks at once, and a transaction each was most of a check's database
 * time. Should that transaction fail, each result is written alone, so one bad result cannot
 * take the others down with it.
 *
 * @example
 *   const results = createResultWriter({ db, notifier, intervalSeconds: 300 });
 *   const after = await results.write({ row, patch, event, alert: null, change: 'soft' }); // null: superseded
 */
import { bumpStatusVersion, type StatusChange } from '../accounts/status-version.ts';
import type { Db } from '../db/index.ts';
import type { AccountEventsTable, AccountRow, AccountUpdate } from '../db/schema.ts';
import type { Notifier } from '../notify/index.ts';
import { alertRecipients } from '../notify/recipients.ts';

export interface ResultWrite {
  /** The account as it was leased and checked. */
  row: AccountRow;
  /** Its new state, lease released. */
  patch: AccountUpdate;
  event: AccountEventsTable | null;
  /** The incident's alert, to the account's people. */
  alert: { eventId: string; subject: string; text: string } | null;
  change: StatusChange;
}

interface Pending {
  write: ResultWrite;
  resolve(after: AccountRow | null): void;
  reject(error: unknown): void;
}

export function createResultWriter({ db, notifier, intervalSeconds }: { db: Db; notifier: Notifier; intervalSeconds: number }) {
  let pending: Pending[] = [];

  async function writeAll(trx: Db, writes: ResultWrite[]): Promise<Array<AccountRow | null>> {
    const written: Array<AccountRow | null> = [];
    const changes = new Map<string, StatusChange>();
    for (const { row, patch, event, alert, change } of writes) {
      // Only if nobody changed the settings meanwhile and the lease is still ours.
      const after = await trx
        .updateTable('accounts')
        .set(patch)
        .where('id', '=', row.id)
        .where('lease_owner', '=', row.lease_owner)
        .where('updated_at', '=', row.updated_at)
        .returningAll()
        .executeTakeFirst();
      written.push(after ?? null);
      if (!after) continue;
      if (event) await trx.insertInto('account_events').values(event).execute();
      if (alert) await notifier.record(trx, { accountId: row.id, eventId: alert.eventId, recipients: await alertRecipients(trx, row), subject: alert.subject, text: alert.text });
      // One bump per owner: a hard change anywhere in the batch makes it hard.
      if (changes.get(row.owner_id) !== 'hard') changes.set(row.owner_id, change);
    }
    for (const [owner, change] of changes) await bumpStatusVersion(trx, owner, change, intervalSeconds);
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
        await db.transaction().execute((trx) => writeAll(trx, [p.write])).then(([after]) => p.resolve(after), p.reject);
      }
    }
  }

  return {
    /** Writes one result with the others of this turn; answers the account after it, or null when its settings or lease changed meanwhile. */
    write(write: ResultWrite): Promise<AccountRow | null> {
      return new Promise((resolve, reject) => {
        pending.push({ write, resolve, reject });
        if (pending.length === 1) setImmediate(() => void flush());
      });
    },
  };
}

export type ResultWriter = ReturnType<typeof createResultWriter>;
