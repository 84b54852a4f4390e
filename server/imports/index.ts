/**
 * Bulk CSV imports of custom mailboxes: upload a file (read, checked, kept sealed for a day),
 * run it with a mapping, follow its progress, and receive the report by email. A run belongs
 * to one instance at a time through a lease; an instance that stops or dies leaves it to be
 * resumed (at once when it died: `server/instances/`), without the rows already finished.
 *
 * @example
 *   const upload = await imports.upload(actor, bytes);
 *   await imports.run(actor, upload.id, { mapping: upload.suggestedMapping, updateExisting: true, duplicateFields: [] });
 *   (await imports.get(actor, upload.id)).counts; // { created, updated, skipped, failed }
 */
import pLimit from 'p-limit';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { IMPORT_MAX_ROWS } from '../../shared/import-fields.ts';
import type { Accounts, Actor } from '../accounts/index.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { skipLocked } from '../db/dialect.ts';
import { leaseFree } from '../db/leases.ts';
import type { ImportRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { Health } from '../health/check.ts';
import type { Logger } from '../log/index.ts';
import type { Notifier } from '../notify/index.ts';
import { decodeUtf8, tableOf } from './csv.ts';
import { looksSecret, suggestMapping } from './fields.ts';
import { queueReport } from './report-mail.ts';
import { checkMapping } from './rows.ts';
import { fileContext, runImport, type RunEnd, type RunnerDeps } from './runner.ts';
import { importRows, importView } from './views.ts';
import { reportCsv } from './report.ts';

export interface ImportsDeps {
  db: Db;
  sealer: Sealer;
  accounts: Accounts;
  health: Health;
  notifier: Notifier;
  /** Owns this process's import leases (`server/instances/`). */
  instanceId: string;
  logger: Logger;
  concurrency: number;
  workspaceName: string;
  /** Replaces the real sign-in test (a benchmark of parsing and writing alone). */
  probe?: RunnerDeps['probe'];
  /** How long a run's lease lasts without renewal (a stalled instance's run is taken over after this). */
  leaseMs?: number;
}

/** An uploaded file waits this long for its run; then its sealed copy is dropped. */
export const UPLOAD_KEPT_MS = 24 * 3600_000;
/** Finished imports (results only, no file) are kept this long. */
export const RESULTS_KEPT_MS = 30 * 24 * 3600_000;
const PREVIEW_ROWS = 5;
const TICK_MS = 5000;

export function createImports(deps: ImportsDeps) {
  const { db, sealer, logger } = deps;
  const leaseMs = deps.leaseMs ?? 20_000;
  const me = deps.instanceId;
  const runs = new Set<{ id: string; controller: AbortController; done: Promise<void> }>();
  let stopped = false;
  const runnerDeps: RunnerDeps = { db, sealer, accounts: deps.accounts, health: deps.health, logger, concurrency: deps.concurrency, probe: deps.probe ?? deps.health.probe, gate: pLimit(deps.concurrency) };
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  async function visible(actor: Actor, id: string): Promise<ImportRow> {
    const found = await db.selectFrom('imports').selectAll().where('id', '=', id).where('user_id', '=', actor.id).executeTakeFirst();
    if (!found) throw new DomainError('not_found', `no import ${id}`);
    return found;
  }

  /** Runs an import this instance holds the lease of, renewing it until the run ends. */
  function launch(imp: ImportRow): void {
    const controller = new AbortController();
    const renew = setInterval(() => {
      db.updateTable('imports')
        .set({ lease_until: new Date(Date.now() + leaseMs).toISOString() })
        .where('id', '=', imp.id)
        .where('lease_owner', '=', me)
        .executeTakeFirst()
        .then((r) => {
          if (r.numUpdatedRows === 0n) controller.abort(); // another process took it over
        })
        .catch((error) => logger.warn('import.lease_renew_failed', { import: imp.id, error }));
    }, leaseMs / 3);
    const done = (async () => {
      let end: RunEnd = 'incomplete';
      try {
        end = await runImport(runnerDeps, imp, controller.signal);
      } catch (error) {
        logger.error('import.run_failed', { import: imp.id, error });
      } finally {
        clearInterval(renew);
      }
      const now = new Date().toISOString();
      const mine = db.updateTable('imports').where('id', '=', imp.id).where('lease_owner', '=', me);
      if (end === 'finished') {
        // The file held passwords: it goes as soon as the run no longer needs it. The report
        // is queued with the end of the run, so it is sent once whatever happens next.
        const finished = await db.transaction().execute(async (trx) => {
          const ended = await trx.updateTable('imports').set({ state: 'finished', finished_at: now, sealed_file: null, lease_owner: null, lease_until: null }).where('id', '=', imp.id).where('lease_owner', '=', me).executeTakeFirst();
          if (ended.numUpdatedRows === 0n) return false;
          await queueReport(trx, deps, imp, now);
          return true;
        });
        if (finished) {
          logger.info('import.finished', { import: imp.id });
          void deps.notifier.kick();
        }
      } else if (end === 'stopped') {
        await mine.set({ lease_owner: null, lease_until: null }).execute();
      } else {
        // Some rows could not be written: try again in a while rather than at once.
        await mine.set({ lease_owner: null, lease_until: new Date(Date.now() + leaseMs).toISOString() }).execute();
        logger.warn('import.incomplete', { import: imp.id });
      }
    })()
      .catch((error) => logger.error('import.release_failed', { import: imp.id, error }))
      .finally(() => runs.delete(run));
    const run = { id: imp.id, controller, done };
    runs.add(run);
  }

  /**
   * Takes over runs whose instance stopped or died (or whose lease ran out), except those
   * still running here, and forgets old files.
   */
  async function tickOnce(): Promise<void> {
    const now = new Date();
    const nowIso = now.toISOString();
    const here = [...runs].map((r) => r.id);
    const taken = await db
      .updateTable('imports')
      .set({ lease_owner: me, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', 'in', (qb) => {
        let q = qb.selectFrom('imports').select('id').where('state', '=', 'running').where((eb) => leaseFree(eb, { now, me }));
        if (here.length > 0) q = q.where('id', 'not in', here);
        return skipLocked(db, q);
      })
      .where((eb) => leaseFree(eb, { now, me }))
      .returningAll()
      .execute();
    for (const imp of taken) {
      logger.info('import.resumed', { import: imp.id });
      launch(imp);
    }
    await db.updateTable('imports').set({ sealed_file: null }).where('state', '=', 'uploaded').where('expires_at', '<', nowIso).where('sealed_file', 'is not', null).execute();
    await db.deleteFrom('imports').where('state', '=', 'finished').where('finished_at', '<', new Date(now.getTime() - RESULTS_KEPT_MS).toISOString()).execute();
  }

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    ticking ??= tickOnce()
      .catch((error) => logger.error('import.tick_failed', { error }))
      .finally(() => {
        ticking = null;
      });
    return ticking;
  }

  return {
    /** Reads and checks a file; nothing is stored unless the whole file can be read. */
    async upload(actor: Actor, bytes: Uint8Array): Promise<ImportUpload> {
      const text = decodeUtf8(bytes);
      const table = tableOf(text, IMPORT_MAX_ROWS);
      const suggestedMapping = suggestMapping(table.headers);
      const secret = new Set([suggestedMapping.smtp_password, suggestedMapping.imap_password, ...table.headers.filter(looksSecret)]);
      const preview = table.rows.slice(0, PREVIEW_ROWS).map((r) =>
        Object.fromEntries(table.headers.map((h, k) => [h, secret.has(h) && r.cells[k] ? '••••••' : (r.cells[k] ?? '')])),
      );
      const id = newId('imp');
      const now = new Date();
      const expiresAt = new Date(now.getTime() + UPLOAD_KEPT_MS).toISOString();
      const replaced = await db.transaction().execute(async (trx) => {
        // One upload waits to run per person: a new one replaces it, so uploads cannot pile up
        // sealed files. The replaced upload keeps its row (finished_at set, file gone) to say so.
        const gone = await trx
          .updateTable('imports')
          .set({ sealed_file: null, finished_at: now.toISOString() })
          .where('user_id', '=', actor.id)
          .where('state', '=', 'uploaded')
          .where('finished_at', 'is', null)
          .returning('id')
          .execute();
        await trx
          .insertInto('imports')
          .values({ id, user_id: actor.id, state: 'uploaded', delimiter: table.delimiter, headers: JSON.stringify(table.headers), total: table.rows.length, sealed_file: sealer.seal(text, fileContext(id)), mapping: null, update_existing: null, created_at: now.toISOString(), expires_at: expiresAt, started_at: null, finished_at: null, lease_owner: null, lease_until: null })
          .execute();
        return gone.map((g) => g.id);
      });
      logger.info('import.uploaded', { import: id, user: actor.id, rows: table.rows.length, replaced });
      return { id, headers: table.headers, suggestedMapping, preview, total: table.rows.length, delimiter: table.delimiter, expiresAt };
    },

    /** Starts the run with the mapping chosen; the rows are worked through in the background. */
    async run(actor: Actor, id: string, input: { mapping: unknown; updateExisting: boolean; duplicateFields: string[] }): Promise<ImportView> {
      const imp = await visible(actor, id);
      if (imp.state !== 'uploaded') throw new DomainError('import_started', 'this import has already been started; upload the file again to run it again');
      if (imp.finished_at) throw new DomainError('import_expired', 'this upload was replaced by a newer one: one file waits to run per person. Run the newest upload, or upload this file again');
      if (!imp.sealed_file || imp.expires_at < new Date().toISOString()) {
        throw new DomainError('import_expired', 'this upload has expired (files are kept for 24 hours); upload the file again');
      }
      const mapping = checkMapping(input.mapping, JSON.parse(imp.headers) as string[], input.duplicateFields);
      const nowIso = new Date().toISOString();
      const taken = await db
        .updateTable('imports')
        .set({ state: 'running', mapping: JSON.stringify(mapping), update_existing: input.updateExisting ? 1 : 0, started_at: nowIso, lease_owner: me, lease_until: new Date(Date.now() + leaseMs).toISOString() })
        .where('id', '=', id)
        .where('state', '=', 'uploaded')
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      if (taken.numUpdatedRows === 0n) throw new DomainError('import_started', 'this import has already been started; upload the file again to run it again');
      const started = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      logger.info('import.started', { import: id, updateExisting: input.updateExisting });
      launch(started);
      return importView(db, started, { withRows: false });
    },

    async get(actor: Actor, id: string, { withRows = true } = {}): Promise<ImportView> {
      return importView(db, await visible(actor, id), { withRows });
    },

    /** The caller's recent imports, newest first, without their rows. */
    async list(actor: Actor): Promise<ImportView[]> {
      const rows = await db.selectFrom('imports').selectAll().where('user_id', '=', actor.id).orderBy('created_at', 'desc').limit(20).execute();
      return Promise.all(rows.map((r) => importView(db, r, { withRows: false })));
    },

    /** The per-row results as CSV: the file the report email carries. */
    async reportCsv(actor: Actor, id: string): Promise<string> {
      return reportCsv(await importRows(db, (await visible(actor, id)).id));
    },

    /** Resumes runs left behind, now and every few seconds. */
    start(): void {
      stopped = false;
      if (timer) return;
      timer = setInterval(() => void tick(), TICK_MS);
      timer.unref();
      void tick();
    },

    /** Stops the runs of this process (they resume on the next start) and waits for them. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      for (const run of runs) run.controller.abort();
      await Promise.all([...runs].map((r) => r.done));
    },

    /** Resolves when the runs under way in this process have ended (tests and the benchmark). */
    async settled(): Promise<void> {
      while (runs.size > 0) await Promise.all([...runs].map((r) => r.done));
      await ticking;
    },
  };
}

export type Imports = ReturnType<typeof createImports>;
