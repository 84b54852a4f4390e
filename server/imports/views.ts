/**
 * An import as the API shows it: progress, counts per outcome, and each row with the state
 * its mailbox is in now (read live, so a row created an hour ago shows today's state).
 *
 * @example const view = await importView(db, row, { withRows: true });
 */
import { IMPORT_ROW_STATUSES, type ImportRowStatus, type ImportRowView, type ImportView } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';
import type { ImportRow } from '../db/schema.ts';

export async function importRows(db: Db, importId: string): Promise<ImportRowView[]> {
  const rows = await db
    .selectFrom('import_rows')
    .leftJoin('accounts', 'accounts.id', 'import_rows.account_id')
    .select(['import_rows.line', 'import_rows.email', 'import_rows.status', 'import_rows.error_code', 'import_rows.error_message', 'import_rows.account_id', 'accounts.state'])
    .where('import_rows.import_id', '=', importId)
    .orderBy('import_rows.line')
    .execute();
  return rows.map((r) => ({
    line: r.line,
    email: r.email,
    status: r.status,
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    ...(r.state ? { state: r.state } : {}),
    ...(r.account_id ? { accountId: r.account_id } : {}),
  }));
}

/** Rows per outcome, from rows already read. */
export function countsOf(rows: ImportRowView[]): Record<ImportRowStatus, number> {
  const counts = Object.fromEntries(IMPORT_ROW_STATUSES.map((s) => [s, 0])) as Record<ImportRowStatus, number>;
  for (const r of rows) counts[r.status]++;
  return counts;
}

/** Rows per outcome, counted by the database (progress polls read no rows). */
export async function importCounts(db: Db, importId: string): Promise<Record<ImportRowStatus, number>> {
  const grouped = await db
    .selectFrom('import_rows')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('import_id', '=', importId)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(IMPORT_ROW_STATUSES.map((s) => [s, 0])) as Record<ImportRowStatus, number>;
  for (const g of grouped) counts[g.status] = Number(g.n);
  return counts;
}

export async function importView(db: Db, imp: ImportRow, { withRows }: { withRows: boolean }): Promise<ImportView> {
  const rows = withRows ? await importRows(db, imp.id) : [];
  const counts = withRows ? countsOf(rows) : await importCounts(db, imp.id);
  const report = imp.state === 'finished' ? await db.selectFrom('mail_queue').select(['recipient', 'state']).where('import_id', '=', imp.id).where('kind', '=', 'import_report').executeTakeFirst() : undefined;
  return {
    id: imp.id,
    state: imp.state,
    total: imp.total,
    done: counts.created + counts.updated + counts.skipped + counts.failed,
    counts,
    updateExisting: imp.update_existing === null ? null : imp.update_existing === 1,
    createdAt: imp.created_at,
    startedAt: imp.started_at,
    finishedAt: imp.finished_at,
    report: report ? { to: report.recipient, state: report.state === 'sent' || report.state === 'logged' ? report.state : 'pending' } : null,
    rows,
  };
}
