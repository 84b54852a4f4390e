/**
 * What the bulk import shows and sends, as plain functions: the mapping a person starts from
 * and what is sent of it, the check before Start, the words for progress and the report.
 *
 * @example
 *   const mapping = initialMapping(upload); // every field, '' where no column was recognised
 *   missingRequired(mapping);               // ['smtp_password'] → Start says what to choose
 *   api.runImport(upload.id, chosenMapping(mapping), false);
 */
import { IMPORT_FIELDS, type ImportField, type ImportRowStatus, type ImportRowView, type ImportUpload, type ImportView } from '../../shared/api.ts';
import { IMPORT_FIELD_INFO, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../../shared/import-fields.ts';
import { formatCount, t, uiLanguage } from './i18n.ts';
import { tn } from './plural.ts';

/** Each field as the mapping step names it. */
export const FIELD_LABEL: Record<ImportField, string> = {
  email: t('import_field_email'),
  name: t('import_field_name'),
  owner: t('import_field_owner'),
  smtp_host: t('import_field_smtpHost'),
  smtp_port: t('import_field_smtpPort'),
  smtp_security: t('import_field_smtpSecurity'),
  smtp_username: t('import_field_smtpUsername'),
  smtp_password: t('import_field_smtpPassword'),
  imap_host: t('import_field_imapHost'),
  imap_port: t('import_field_imapPort'),
  imap_security: t('import_field_imapSecurity'),
  imap_username: t('import_field_imapUsername'),
  imap_password: t('import_field_imapPassword'),
};

/** What a field left blank, or without a column, becomes. */
export const WHEN_BLANK: Partial<Record<ImportField, string>> = {
  name: t('import_blank_name'),
  owner: t('import_blank_owner'),
  smtp_security: t('import_blank_smtpSecurity'),
  imap_security: t('import_blank_imapSecurity'),
  imap_username: t('import_blank_imapUsername'),
  imap_password: t('import_blank_imapPassword'),
};

/** Field → header, `''` for "not in the file". */
export type Mapping = Record<ImportField, string>;

/** The server's suggestion, kept only where it names a column of this file. */
export function initialMapping(upload: Pick<ImportUpload, 'headers' | 'suggestedMapping'>): Mapping {
  const pick = (field: ImportField) => upload.suggestedMapping[field] ?? '';
  return Object.fromEntries(IMPORT_FIELDS.map((f) => [f, upload.headers.includes(pick(f)) ? pick(f) : ''])) as Mapping;
}

/** The required fields still without a column, in template order. */
export function missingRequired(mapping: Mapping): ImportField[] {
  return IMPORT_FIELDS.filter((f) => IMPORT_FIELD_INFO[f].required && !mapping[f]);
}

/** The message Start shows instead of starting, or null when every required field has a column. */
export function missingText(mapping: Mapping): string | null {
  const missing = missingRequired(mapping).map((f) => FIELD_LABEL[f]);
  if (!missing.length) return null;
  return tn('import_chooseColumns', missing.length, listText(missing));
}

/** What the run sends: only the fields that have a column. */
export function chosenMapping(mapping: Mapping): Partial<Record<ImportField, string>> {
  return Object.fromEntries(Object.entries(mapping).filter(([, header]) => header)) as Partial<Record<ImportField, string>>;
}

/** Refuses, before sending anything, a file the server would refuse for its size. */
export function fileProblem(file: Pick<Blob, 'size'>): string | null {
  if (file.size > IMPORT_MAX_BYTES) return t('import_fileTooBig', megabytes(file.size), megabytes(IMPORT_MAX_BYTES), rowsText(IMPORT_MAX_ROWS));
  return null;
}

export const ROW_STATUS_LABEL: Record<ImportRowStatus, string> = {
  created: t('import_status_created'),
  updated: t('import_status_updated'),
  skipped: t('import_status_skipped'),
  failed: t('import_status_failed'),
};

/** "3 created": a count of rows with a status. */
const STATUS_COUNT: Record<ImportRowStatus, (n: number) => string> = {
  created: (n) => tn('import_count_created', n),
  updated: (n) => tn('import_count_updated', n),
  skipped: (n) => tn('import_count_skipped', n),
  failed: (n) => tn('import_count_failed', n),
};

export type RowFilter = ImportRowStatus | 'all';

export function rowsWith(rows: readonly ImportRowView[], filter: RowFilter): ImportRowView[] {
  return filter === 'all' ? [...rows] : rows.filter((r) => r.status === filter);
}

/** A results table shows this many rows of a filter at first… */
export const SHOWN_ROWS = 200;
/** …and this many more at each "Show more": never thousands of rows in one click. */
export const MORE_ROWS = 500;

export function progressText(view: Pick<ImportView, 'done' | 'total'>): string {
  return t('import_progress', formatCount(view.done), rowsText(view.total));
}

/**
 * What a screen reader hears of a run: "Imported 20% of 500 rows", changing only at each
 * tenth so that a live region speaks ten times a run, not once a poll.
 */
export function progressStepText(view: Pick<ImportView, 'done' | 'total'>): string {
  const tenths = view.total > 0 ? Math.floor((view.done * 10) / view.total) : 0;
  const percent = new Intl.NumberFormat(uiLanguage(), { style: 'percent' }).format(Math.min(tenths, 10) / 10);
  return t('import_progressStep', percent, rowsText(view.total));
}

/** "3 created, 1 updated, 2 skipped, 1 failed", leaving out the statuses no row has. */
export function countsText(counts: ImportView['counts']): string {
  const parts = (Object.keys(ROW_STATUS_LABEL) as ImportRowStatus[]).filter((s) => counts[s] > 0).map((s) => STATUS_COUNT[s](counts[s]));
  return parts.length ? new Intl.ListFormat(uiLanguage(), { style: 'short', type: 'unit' }).format(parts) : t('import_noneImported');
}

/** What became of the emailed copy of the report. */
export function reportText(report: ImportView['report']): string | null {
  if (!report) return null;
  if (report.state === 'sent') return t('import_reportSent', report.to);
  if (report.state === 'pending') return t('import_reportPending', report.to);
  return t('import_reportLogged');
}

/** "1 row", "10,000 rows". */
export function rowsText(count: number): string {
  return tn('import_rows', count);
}

/** "A, B and C" in the browser's language. */
function listText(items: string[]): string {
  return new Intl.ListFormat(uiLanguage(), { type: 'conjunction' }).format(items);
}

function megabytes(bytes: number): string {
  return new Intl.NumberFormat(uiLanguage(), { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1024 / 1024);
}

/** The field a refused run names (`mapping.smtp_host`), if it is one of the mapping's. */
export function mappingFieldOf(field: string | undefined): ImportField | null {
  const name = field?.startsWith('mapping.') ? field.slice('mapping.'.length) : '';
  return (IMPORT_FIELDS as readonly string[]).includes(name) ? (name as ImportField) : null;
}

/**
 * A refusal in words without the field the server puts before it (`mapping.smtp_host: the
 * file has no column "X"`): that field's select is marked, its label beside it.
 */
export function refusalText(message: string, field: string | undefined): string {
  const prefix = `${field}: `;
  if (!mappingFieldOf(field) || !message.startsWith(prefix)) return message;
  const rest = message.slice(prefix.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

const DELIMITER_NAME: Record<ImportUpload['delimiter'], string> = { ',': t('import_delimiterCommas'), ';': t('import_delimiterSemicolons'), '\t': t('import_delimiterTabs') };

/** "500 rows, separated by semicolons." */
export function fileSummary(upload: Pick<ImportUpload, 'total' | 'delimiter'>): string {
  return t('import_fileSummary', rowsText(upload.total), DELIMITER_NAME[upload.delimiter] ?? JSON.stringify(upload.delimiter));
}
