/**
 * Queues a finished import's report for the person who ran it, in the transaction that marks
 * the import finished: the summary in words and the per-row CSV. Regrant's mail queue
 * delivers it (re-tried when the mail server refuses; logged without NOTIFY_SMTP_URL).
 *
 * @example await queueReport(trx, deps, importRow, finishedAt);
 */
import { findUser } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';
import type { ImportRow } from '../db/schema.ts';
import type { Notifier } from '../notify/index.ts';
import { reportEmail } from './report.ts';
import { countsOf, importRows } from './views.ts';

export interface ReportDeps {
  notifier: Notifier;
  workspaceName: string;
}

export async function queueReport(trx: Db, { notifier, workspaceName }: ReportDeps, imp: ImportRow, finishedAt: string): Promise<void> {
  const to = await findUser(trx, imp.user_id);
  if (!to) throw new Error(`import ${imp.id}: its user ${imp.user_id} is gone`);
  const rows = await importRows(trx, imp.id);
  const mail = reportEmail({ workspace: workspaceName, importId: imp.id, rows, counts: countsOf(rows), startedAt: imp.started_at ?? finishedAt, finishedAt });
  await notifier.add(trx, [{ kind: 'import_report', to: to.email, subject: mail.subject, text: mail.text, attachments: [{ ...mail.attachment, contentType: 'text/csv; charset=utf-8' }], importId: imp.id }]);
}
