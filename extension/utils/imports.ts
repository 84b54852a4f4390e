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
  const missing = missingRequired(mapping).map((f) => IMPORT_FIELD_INFO[f].label);
  if (!missing.length) return null;
  return `Choose the column for ${listText(missing)}: ${missing.length === 1 ? 'it is' : 'they are'} required.`;
}

/** What the run sends: only the fields that have a column. */
export function chosenMapping(mapping: Mapping): Partial<Record<ImportField, string>> {
  return Object.fromEntries(Object.entries(mapping).filter(([, header]) => header)) as Partial<Record<ImportField, string>>;
}

/** Refuses, before sending anything, a file the server would refuse for its size. */
export function fileProblem(file: Pick<Blob, 'size'>): string | null {
  if (file.size > IMPORT_MAX_BYTES) return `The file is ${megabytes(file.size)}; at most ${megabytes(IMPORT_MAX_BYTES)} and ${IMPORT_MAX_ROWS.toLocaleString('en')} rows can be imported at once. Split it in parts.`;
  return null;
}

export const ROW_STATUS_LABEL: Record<ImportRowStatus, string> = { created: 'Created', updated: 'Updated', skipped: 'Skipped', failed: 'Failed' };

export type RowFilter = ImportRowStatus | 'all';

export function rowsWith(rows: readonly ImportRowView[], filter: RowFilter): ImportRowView[] {
  return filter === 'all' ? [...rows] : rows.filter((r) => r.status === filter);
}

/** A results table shows this many rows of a filter at first… */
export const SHOWN_ROWS = 200;
/** …and this many more at each "Show more": never thousands of rows in one click. */
export const MORE_ROWS = 500;

export function progressText(view: Pick<ImportView, 'done' | 'total'>): string {
  return `${view.done.toLocaleString('en')} of ${rowsText(view.total)}`;
}

/**
 * What a screen reader hears of a run: "Imported 20% of 500 rows", changing only at each
 * tenth so that a live region speaks ten times a run, not once a poll.
 */
export function progressStepText(view: Pick<ImportView, 'done' | 'total'>): string {
  const tenths = view.total > 0 ? Math.floor((view.done * 10) / view.total) : 0;
  return `Imported ${Math.min(tenths, 10) * 10}% of ${rowsText(view.total)}`;
}

/** "3 created, 1 updated, 2 skipped, 1 failed", leaving out the statuses no row has. */
export function countsText(counts: ImportView['counts']): string {
  const parts = (Object.keys(ROW_STATUS_LABEL) as ImportRowStatus[]).filter((s) => counts[s] > 0).map((s) => `${counts[s].toLocaleString('en')} ${s}`);
  return parts.length ? parts.join(', ') : 'No rows were imported';
}

/** What became of the emailed copy of the report. */
export function reportText(report: ImportView['report']): string | null {
  if (!report) return null;
  if (report.state === 'sent') return `The report was emailed to ${report.to}.`;
  if (report.state === 'pending') return `The report will be emailed to ${report.to} when the mail server answers.`;
  return 'The report was not emailed: the server has no NOTIFY_SMTP_URL; download it here.';
}

/** "1 row", "10,000 rows". */
function rowsText(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'row' : 'rows'}`;
}

function listText(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
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

const DELIMITER_NAME: Record<ImportUpload['delimiter'], string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/** "500 rows, separated by semicolons." */
export function fileSummary(upload: Pick<ImportUpload, 'total' | 'delimiter'>): string {
  return `${rowsText(upload.total)}, separated by ${DELIMITER_NAME[upload.delimiter] ?? JSON.stringify(upload.delimiter)}.`;
}
