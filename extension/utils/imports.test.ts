import { describe, expect, it } from 'vitest';
import { IMPORT_FIELDS } from '../../shared/api.ts';
import {
  chosenMapping,
  countsText,
  fileProblem,
  fileSummary,
  initialMapping,
  mappingFieldOf,
  missingRequired,
  missingText,
  progressStepText,
  progressText,
  refusalText,
  reportText,
  rowsWith,
} from './imports.ts';
import { uploaded } from '../../test/extension/import-server.ts';

describe('the mapping a person starts from', () => {
  it('takes the server suggestion and leaves the other fields "not in the file"', () => {
    const mapping = initialMapping(uploaded());
    expect(Object.keys(mapping)).toEqual([...IMPORT_FIELDS]);
    expect(mapping).toMatchObject({ email: 'E-mail', smtp_password: 'SMTP pass', imap_port: 'IMAP port', imap_password: '', name: '', owner: '' });
  });

  it('ignores a suggestion that names no column of the file', () => {
    const mapping = initialMapping({ headers: ['email'], suggestedMapping: { email: 'email', smtp_host: 'Host' } });
    expect(mapping.email).toBe('email');
    expect(mapping.smtp_host).toBe('');
  });
});

describe('the check before Start', () => {
  it('lists the required fields without a column, in template order, by their labels', () => {
    const mapping = { ...initialMapping(uploaded()), smtp_password: '', email: '' };
    expect(missingRequired(mapping)).toEqual(['email', 'smtp_password']);
    expect(missingText(mapping)).toBe('Choose the column for Email address and SMTP password: they are required.');
    expect(missingText({ ...mapping, email: 'E-mail' })).toBe('Choose the column for SMTP password: it is required.');
  });

  it('passes when every required field has a column, optional ones left out', () => {
    expect(missingRequired(initialMapping(uploaded()))).toEqual([]);
    expect(missingText(initialMapping(uploaded()))).toBeNull();
  });

  it('sends only the fields that have a column', () => {
    const sent = chosenMapping({ ...initialMapping(uploaded()), imap_password: 'IMAP pass' });
    expect(sent).toEqual({ ...uploaded().suggestedMapping, imap_password: 'IMAP pass' });
    expect(Object.keys(sent)).toHaveLength(8);
  });

  it('words a refusal without the mapping field it names first', () => {
    expect(refusalText('mapping.smtp_host: the file has no column "X"', 'mapping.smtp_host')).toBe('The file has no column "X"');
    expect(refusalText('mapping.nonsense: no such field', 'mapping.nonsense')).toBe('mapping.nonsense: no such field');
    expect(refusalText('No column "X" in the file.', 'mapping.smtp_host')).toBe('No column "X" in the file.');
    expect(refusalText('The import has expired.', undefined)).toBe('The import has expired.');
  });

  it('reads which mapping field a refusal names', () => {
    expect(mappingFieldOf('mapping.smtp_host')).toBe('smtp_host');
    expect(mappingFieldOf('mapping.nonsense')).toBeNull();
    expect(mappingFieldOf('updateExisting')).toBeNull();
    expect(mappingFieldOf(undefined)).toBeNull();
  });
});

describe('the words of an import', () => {
  it('refuses a file over 5 MB before sending it', () => {
    expect(fileProblem({ size: 5 * 1024 * 1024 })).toBeNull();
    expect(fileProblem({ size: 12 * 1024 * 1024 })).toBe('The file is 12 MB; at most 5 MB and 10,000 rows can be imported at once. Split it in parts.');
  });

  it('says how far a run got and what the file held', () => {
    expect(progressText({ done: 120, total: 500 })).toBe('120 of 500 rows');
    expect(progressText({ done: 0, total: 1 })).toBe('0 of 1 row');
    expect(progressText({ done: 9500, total: 10000 })).toBe('9,500 of 10,000 rows');
    expect(fileSummary({ total: 500, delimiter: ';' })).toBe('500 rows, separated by semicolons.');
    expect(fileSummary({ total: 1, delimiter: '\t' })).toBe('1 row, separated by tabs.');
  });

  it('tells a screen reader the progress in tenths', () => {
    expect(progressStepText({ done: 0, total: 500 })).toBe('Imported 0% of 500 rows');
    expect(progressStepText({ done: 149, total: 500 })).toBe('Imported 20% of 500 rows');
    expect(progressStepText({ done: 150, total: 500 })).toBe('Imported 30% of 500 rows');
    expect(progressStepText({ done: 10_000, total: 10_000 })).toBe('Imported 100% of 10,000 rows');
    expect(progressStepText({ done: 0, total: 1 })).toBe('Imported 0% of 1 row');
    expect(progressStepText({ done: 0, total: 0 })).toBe('Imported 0% of 0 rows');
  });

  it('sums up the outcome, leaving out what no row became', () => {
    expect(countsText({ created: 3, updated: 0, skipped: 2, failed: 1 })).toBe('3 created, 2 skipped, 1 failed');
    expect(countsText({ created: 0, updated: 0, skipped: 0, failed: 0 })).toBe('No rows were imported');
  });

  it('says what became of the emailed report', () => {
    expect(reportText({ to: 'ann@acme.test', state: 'sent' })).toBe('The report was emailed to ann@acme.test.');
    expect(reportText({ to: 'ann@acme.test', state: 'pending' })).toBe('The report will be emailed to ann@acme.test when the mail server answers.');
    expect(reportText({ to: 'ann@acme.test', state: 'logged' })).toBe('The report was not emailed: the server has no NOTIFY_SMTP_URL; download it here.');
    expect(reportText(null)).toBeNull();
  });

  it('filters rows by status', () => {
    const rows = [
      { line: 2, email: 'a@acme.test', status: 'created' as const },
      { line: 3, email: 'b@acme.test', status: 'failed' as const },
      { line: 4, email: 'c@acme.test', status: 'created' as const },
    ];
    expect(rowsWith(rows, 'created').map((r) => r.line)).toEqual([2, 4]);
    expect(rowsWith(rows, 'skipped')).toEqual([]);
    expect(rowsWith(rows, 'all')).toEqual(rows);
  });
});
