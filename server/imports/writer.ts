/**
 * Writes the rows of an import that are decided: a mailbox created or updated together with
 * its verdict (the settings passed their sign-in test, so it is connected: accounts' one
 * writer of a mailbox's state makes it so, with its event) and the row's result, in one
 * transaction. A crash therefore never leaves a mailbox saved without its
 * row's result, and a resumed run never does a finished row twice (the result's primary key
 * refuses it). Rows are written in batches while the next ones are being tested.
 *
 * @example
 *   const writer = createWriter({ db, accounts, health, logger, importId });
 *   writer.push({ kind: 'create', line: 2, email, row });
 *   await writer.drain();
 */
import type { Accounts, UpdatePlan } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import { findAccount } from '../accounts/repository.ts';
import type { AccountRow, NewAccountRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { Health } from '../health/check.ts';
import type { Logger } from '../log/index.ts';
import type { RowError } from './rows.ts';

/** What the runner decided for one row: a mailbox to create or update, or a result with nothing to write. */
export type RowDecision =
  | { kind: 'create'; line: number; email: string; row: NewAccountRow }
  | { kind: 'update'; line: number; email: string; current: AccountRow; plan: UpdatePlan }
  | { kind: 'result'; line: number; email: string; status: 'skipped' | 'failed'; error: RowError; accountId?: string | null };

/** Rows per transaction. */
const BATCH_SIZE = 500;

/** Rows per multi-row INSERT (results have ~8 columns). */
const CHUNK = 500;

/** How long a batch waits for more rows before it is written. */
const GATHER_MS = 10;

export interface WriterDeps {
  db: Db;
  accounts: Accounts;
  health: Health;
  logger: Logger;
  importId: string;
}

export function createWriter({ db, accounts, health, logger, importId }: WriterDeps) {
  const queue: RowDecision[] = [];
  let running: Promise<void> | null = null;

  const result = (o: RowDecision, status: 'created' | 'updated' | 'skipped' | 'failed', accountId: string | null, error?: RowError) => ({
    import_id: importId,
    line: o.line,
    email: o.email,
    status,
    error_code: error?.code ?? null,
    error_message: error?.message ?? null,
    account_id: accountId,
    at: new Date().toISOString(),
  });

  /** The settings of every row written passed their sign-in test just now. */
  const worked = { kind: 'signin' as const, failures: [] as [] };

  /** Writes one decided row inside `trx`; answers the mailbox to announce as reconnected, if any. */
  async function writeOne(trx: Db, o: RowDecision): Promise<string | null> {
    if (o.kind === 'result') {
      await trx.insertInto('import_rows').values(result(o, o.status, o.accountId ?? null, o.error)).execute();
      return null;
    }
    if (o.kind === 'create') {
      await accounts.admit(trx, [o.row], worked);
      await trx.insertInto('import_rows').values(result(o, 'created', o.row.id)).execute();
      // A mailbox that did not exist holds no email and awaits no reply: nothing to announce.
      return null;
    }
    const fresh = await findAccount(trx, o.current.id);
    if (!fresh || fresh.updated_at !== o.current.updated_at) {
      const error = fresh
        ? { code: 'changed_meanwhile', message: 'someone changed this mailbox while the import ran; nothing was saved, import the row again' }
        : { code: 'removed_meanwhile', message: 'this mailbox was removed while the import ran; nothing was saved' };
      await trx.insertInto('import_rows').values(result(o, 'failed', null, error)).execute();
      return null;
    }
    const t = await accounts.applyUpdate(trx, fresh, o.plan, worked, { expect: { updatedAt: fresh.updated_at } });
    await trx.insertInto('import_rows').values(result(o, 'updated', fresh.id)).execute();
    return t.reconnected ? fresh.id : null;
  }

  /**
   * Writes a batch in few statements: the new mailboxes (with their events) and the results
   * as multi-row inserts; updates one by one (each re-reads its mailbox).
   */
  async function writeMany(trx: Db, batch: RowDecision[]): Promise<(string | null)[]> {
    const reconnected: (string | null)[] = [];
    const created: NewAccountRow[] = [];
    const results: ReturnType<typeof result>[] = [];
    for (const o of batch) {
      if (o.kind === 'update') {
        reconnected.push(await writeOne(trx, o));
      } else if (o.kind === 'result') {
        results.push(result(o, o.status, o.accountId ?? null, o.error));
      } else {
        created.push(o.row);
        results.push(result(o, 'created', o.row.id));
      }
    }
    if (created.length) await accounts.admit(trx, created, worked);
    for (let i = 0; i < results.length; i += CHUNK) await trx.insertInto('import_rows').values(results.slice(i, i + CHUNK)).execute();
    return reconnected;
  }

  async function writeBatch(batch: RowDecision[]): Promise<void> {
    let reconnected: (string | null)[] = [];
    try {
      reconnected = await db.transaction().execute((trx) => writeMany(trx, batch));
    } catch {
      // One row spoiled the batch (an address created meanwhile, a row already written by
      // another run): write them one by one so that only that row fails.
      reconnected = [];
      for (const o of batch) {
        try {
          reconnected.push(await db.transaction().execute((trx) => writeOne(trx, o)));
        } catch (error) {
          // A busy database is trouble of the moment: the row stays unwritten and the run is
          // resumed later, rather than failing a row whose settings work.
          if (/SQLITE_BUSY|SQLITE_LOCKED/.test(String((error as { code?: string }).code))) throw error;
          const known = error instanceof DomainError;
          if (!known) logger.error('import.row_write_failed', { import: importId, line: o.line, error });
          const why = known ? { code: error.code, message: error.message } : { code: 'internal_error', message: 'could not be saved; the server logged why' };
          await db.insertInto('import_rows').values(result(o, 'failed', null, why)).onConflict((oc) => oc.doNothing()).execute();
        }
      }
    }
    for (const id of reconnected) if (id) health.announceReconnected(id);
  }

  function run(): Promise<void> {
    if (running) return running;
    running = (async () => {
      while (queue.length > 0) {
        // Rows decided in the same moment share a transaction: one commit for many rows.
        if (queue.length < BATCH_SIZE) await new Promise((r) => setTimeout(r, GATHER_MS));
        await writeBatch(queue.splice(0, BATCH_SIZE));
      }
    })().finally(() => {
      running = null;
      // Pushed between the loop's last look and here.
      if (queue.length > 0) void run().catch((error) => logger.error('import.write_failed', { import: importId, error }));
    });
    return running;
  }

  return {
    push(o: RowDecision): void {
      queue.push(o);
      if (!running) void run().catch((error) => logger.error('import.write_failed', { import: importId, error }));
    },
    /** Resolves once everything pushed so far is written. */
    async drain(): Promise<void> {
      while (running || queue.length > 0) await (running ?? run());
    },
  };
}
