import { describe, expect, it } from 'vitest';
import type { ImportRowView } from '../../shared/api.ts';
import { reportCsv, reportEmail } from './report.ts';

const rows: ImportRowView[] = [
  { line: 2, email: 'ann@acme.test', status: 'created', state: 'connected', accountId: 'acc_1' },
  { line: 3, email: '-oops', status: 'failed', error: { code: 'invalid_email', message: 'email: "-oops" is not a valid email address' } },
  { line: 4, email: 'bob@acme.test', status: 'skipped', error: { code: 'account_exists', message: 'already in Regrant' }, state: 'needs_reauth' },
];

it('reportCsv: one line per row with its state in words', () => {
  expect(reportCsv(rows)).toBe(
    '\uFEFFline,email,status,mailbox_state,reason_code,reason\r\n' +
      '2,ann@acme.test,created,connected,,\r\n' +
      `3,'-oops,failed,,invalid_email,"email: ""-oops"" is not a valid email address"\r\n` +
      '4,bob@acme.test,skipped,needs re-authentication,account_exists,already in Regrant\r\n',
  );
});

it('reportEmail: the summary lists failed rows and attaches the CSV', () => {
  const mail = reportEmail({ workspace: 'Acme', importId: 'imp_1', rows, counts: { created: 1, updated: 0, skipped: 1, failed: 1 }, startedAt: '2026-11-28T10:00:00.000Z', finishedAt: '2026-11-28T10:01:00.000Z' });
  expect(mail.subject).toBe('Acme: import finished: 1 of 3 mailboxes created or updated, 1 failed');
  expect(mail.text).toContain('  Created: 1\n  Updated: 0\n  Skipped: 1\n  Failed:  1');
  expect(mail.text).toContain('  line 3, -oops: email: "-oops" is not a valid email address');
  expect(mail.text).toContain('tick "Update inbox if it exists"'.replace('tick', 'with'));
  expect(mail.text).toContain('Started 2026-11-28 10:00:00 UTC, finished 2026-11-28 10:01:00 UTC.');
  expect(mail.text).toContain('To import them again: the Regrant browser extension → Accounts → Add in bulk.');
  expect(mail.text).not.toContain('Open Regrant');
  expect(mail.attachment).toEqual({ filename: 'regrant-import-2026-11-28-imp_1.csv', content: reportCsv(rows) });
});
