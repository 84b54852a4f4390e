/**
 * The import report: a summary in words and the per-row results as a CSV file, the same file
 * the API offers for download and the email carries. It holds no password (rows carry only
 * the line, the address, the outcome and the reason), and no cell a spreadsheet would run as
 * a formula.
 *
 * @example
 *   const csv = reportCsv(rows);
 *   const mail = reportEmail({ workspace, importId, rows, counts, startedAt, finishedAt });
 */
import type { AccountState, ImportRowStatus, ImportRowView } from '../../shared/api.ts';
import { writeCsv } from './csv.ts';

const STATE_WORDS: Record<AccountState, string> = { new: 'not checked yet', connected: 'connected', needs_reauth: 'needs re-authentication', unreachable: 'unreachable' };

export function reportCsv(rows: ImportRowView[]): string {
  const head = ['line', 'email', 'status', 'mailbox_state', 'reason_code', 'reason'];
  return writeCsv([head, ...rows.map((r) => [String(r.line), r.email, r.status, r.state ? STATE_WORDS[r.state] : '', r.error?.code ?? '', r.error?.message ?? ''])]);
}

export interface ReportInput {
  workspace: string;
  importId: string;
  rows: ImportRowView[];
  counts: Record<ImportRowStatus, number>;
  startedAt: string;
  finishedAt: string;
}

const LISTED = 50;

/** The email: subject, a summary with the rows that need a person, and the CSV attachment. */
export function reportEmail(r: ReportInput): { subject: string; text: string; attachment: { filename: string; content: string } } {
  const total = r.rows.length;
  const saved = r.counts.created + r.counts.updated;
  const needsWork = r.rows.filter((row) => row.status === 'failed');
  const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const lines = [
    `Your bulk import of ${total} ${total === 1 ? 'mailbox' : 'mailboxes'} into ${r.workspace} has finished.`,
    '',
    `  Created: ${r.counts.created}`,
    `  Updated: ${r.counts.updated}`,
    `  Skipped: ${r.counts.skipped}`,
    `  Failed:  ${r.counts.failed}`,
    '',
    saved > 0 ? `The ${saved} created or updated ${saved === 1 ? 'mailbox passed' : 'mailboxes passed'} a sending (SMTP) and receiving (IMAP) sign-in and ${saved === 1 ? 'is' : 'are'} connected; emails waiting for them are being sent.` : 'No mailbox was created or updated.',
  ];
  if (needsWork.length > 0) {
    lines.push('', `Rows that failed (nothing was saved for them; fix them and import them again):`);
    for (const row of needsWork.slice(0, LISTED)) lines.push(`  line ${row.line}, ${row.email || '(no address)'}: ${row.error?.message ?? 'failed'}`);
    if (needsWork.length > LISTED) lines.push(`  … and ${needsWork.length - LISTED} more in the attached file.`);
    // Where the fix is made: Regrant's own address opens no page that helps.
    lines.push(`To import them again: the Regrant browser extension → Accounts → Add in bulk.`);
  }
  if (r.counts.skipped > 0) lines.push('', `Skipped rows are mailboxes already in ${r.workspace}; import again with "Update inbox if it exists" ticked to update them.`);
  lines.push('', `Every row's result is in the attached CSV file.`, `Started ${when(r.startedAt)}, finished ${when(r.finishedAt)}.`);
  const failedWord = r.counts.failed > 0 ? `, ${r.counts.failed} failed` : '';
  return {
    subject: `${r.workspace}: import finished: ${saved} of ${total} mailboxes created or updated${failedWord}`,
    text: lines.join('\n'),
    attachment: { filename: `regrant-import-${r.finishedAt.slice(0, 10)}-${r.importId}.csv`, content: reportCsv(r.rows) },
  };
}
