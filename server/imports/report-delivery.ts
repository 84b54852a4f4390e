/**
 * Emails each finished import's report to the person who ran it. A report is claimed before
 * it is sent (two server processes never both send it) and re-tried with back-off when the
 * mail server refuses; without NOTIFY_SMTP_URL it is logged, and stays downloadable.
 *
 * @example await deliverDueReports(deps, new Date());
 */
import type { Db } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import { retryDelayMs, type Notifier } from '../notify/index.ts';
import { reportEmail } from './report.ts';
import { countsOf, importRows } from './views.ts';

export interface ReportDeps {
  db: Db;
  notifier: Notifier;
  logger: Logger;
  workspaceName: string;
  publicUrl: string;
}

/** A claimed report not sent after this long is taken again (its process died). */
const CLAIM_MS = 5 * 60_000;

export async function deliverDueReports({ db, notifier, logger, workspaceName, publicUrl }: ReportDeps, now: Date): Promise<void> {
  const due = await db
    .selectFrom('imports')
    .innerJoin('users', 'users.id', 'imports.user_id')
    .select(['imports.id', 'imports.report_state', 'imports.report_next_at', 'imports.report_attempts', 'imports.started_at', 'imports.finished_at', 'users.email as to'])
    .where('imports.report_state', 'in', ['pending', 'sending'])
    .where('imports.report_next_at', '<=', now.toISOString())
    .execute();
  for (const r of due) {
    const claimed = await db
      .updateTable('imports')
      .set({ report_state: 'sending', report_next_at: new Date(now.getTime() + CLAIM_MS).toISOString() })
      .where('id', '=', r.id)
      .where('report_state', '=', r.report_state)
      .where('report_next_at', '=', r.report_next_at)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) continue;
    const rows = await importRows(db, r.id);
    const mail = reportEmail({
      workspace: workspaceName,
      importId: r.id,
      rows,
      counts: countsOf(rows),
      startedAt: r.started_at ?? r.finished_at!,
      finishedAt: r.finished_at!,
      publicUrl,
    });
    const attempts = r.report_attempts + 1;
    try {
      const state = await notifier.sendNow({ to: r.to, subject: mail.subject, text: mail.text, attachments: [{ ...mail.attachment, contentType: 'text/csv; charset=utf-8' }] });
      await db.updateTable('imports').set({ report_state: state, report_attempts: attempts, report_next_at: null, report_error: null }).where('id', '=', r.id).execute();
      logger.info('import.report', { import: r.id, to: r.to, state });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('imports')
        .set({ report_state: 'pending', report_attempts: attempts, report_error: message.slice(0, 500), report_next_at: new Date(Date.now() + retryDelayMs(attempts)).toISOString() })
        .where('id', '=', r.id)
        .execute();
      logger.warn('import.report_retry', { import: r.id, attempts, error: message });
    }
  }
}
