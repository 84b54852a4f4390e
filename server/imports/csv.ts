/**
 * CSV in and out. Reading a file a person exported from a spreadsheet: UTF-8 with or
 * without a BOM, comma, semicolon or tab found from the header line, RFC 4180 quoting (a
 * quoted cell may hold the delimiter, quotes doubled, and line breaks), parsed by csv-parse.
 * Every record knows the line it started on, so errors can name it. Writing: csv-stringify,
 * with a BOM (Excel's sign of UTF-8) and no cell a spreadsheet would run as a formula.
 *
 * @example
 *   const table = readCsv(bytes, { maxRows: 10_000 });
 *   table.headers; // ['Email', 'SMTP Host', …]
 *   table.rows[0]; // { line: 2, cells: ['ann@acme.test', 'smtp.acme.test', …] }
 *   writeCsv([['line', 'email'], ['2', '=cmd']]); // '\uFEFFline,email\r\n2,\'=cmd\r\n'
 */
import { parse, CsvError as ParseError, type Options } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Delimiter } from '../../shared/api.ts';
import { DomainError } from '../errors.ts';

export interface CsvRecord {
  /** The line of the file the record starts on (1 = the first line). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  delimiter: Delimiter;
  headers: string[];
  rows: CsvRecord[];
}

export class CsvError extends DomainError {}

/** A file of mailboxes has about 13 columns; far more is a mistake (or an attack on memory). */
export const MAX_COLUMNS = 100;
const MAX_CELLS = 1000;
const MAX_HEADER_LENGTH = 200;
/** A row of mailbox settings is well under a kilobyte; past this it is not one. */
export const MAX_RECORD_CHARS = 100_000;
const DELIMITERS: Delimiter[] = [',', ';', '\t'];
const HEADER_READ = Symbol('header read');

/** The file's text, or a CsvError naming the line where it stops being UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CsvError('invalid_csv', 'The file is UTF-16 text. Save it as "CSV UTF-8" and upload it again.');
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    const at = firstInvalidUtf8(bytes, start);
    let line = 1;
    for (let i = start; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new CsvError(
      'invalid_csv',
      `Line ${line} is not UTF-8 text (byte 0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')}): the file was probably saved in another encoding. Save it as "CSV UTF-8" and upload it again.`,
    );
  }
}

/** Offset of the first byte that does not begin a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i];
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= b.length) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (need > 0 && (b[i + 1] < lo || b[i + 1] > hi)) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return b.length - 1;
}

/**
 * The options every read shares: strict RFC 4180 quotes, any of the three line endings
 * (files pasted together mix them; old Mac files end lines with a lone CR), rows of any length.
 */
const READ = { bom: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], max_record_size: MAX_RECORD_CHARS } satisfies Options;

/**
 * The delimiter that splits the header (the first record with a non-blank cell) into the
 * most cells, with quotes read as the parser reads them; comma on a tie. csv-parse's own
 * `delimiter_auto` weighs every ASCII character over the first 2 KB and fails on a quoted
 * header cell.
 */
export function detectDelimiter(text: string): Delimiter {
  const headerCells = (d: Delimiter): number => {
    let header: string[] = [];
    try {
      const onRecord = (r: string[]) => {
        if (isBlank(r)) return null;
        header = r;
        throw HEADER_READ; // nothing after the header needs reading
      };
      parse(text, { ...READ, delimiter: d, on_record: onRecord });
    } catch (thrown) {
      if (thrown !== HEADER_READ) return 0; // the header's quotes do not parse with this delimiter
    }
    return header.length;
  };
  let best: Delimiter = ',';
  let most = headerCells(',');
  for (const d of DELIMITERS.slice(1)) {
    const n = headerCells(d);
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

/** A blank line, or a row of empty cells (spreadsheets write those for formatted empty rows). */
const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

function lineBreaks(s: string): number {
  return s.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/**
 * Splits `text` into records, leaving out blank ones. Throws a CsvError naming the line on a
 * quote that is never closed, a quote inside an unquoted cell, text right after a closing
 * quote or a row of too many cells, and a `payload_too_large` one past `maxRows` data rows.
 */
export function parseCsv(text: string, delimiter: Delimiter, maxRows = Infinity): CsvRecord[] {
  const records: CsvRecord[] = [];
  // The line the next record starts on: csv-parse counts the lines where a record ends.
  let line = 1;
  const onRecord = ({ record, raw }: { record: string[]; raw: string }): null => {
    const start = line;
    line += lineBreaks(raw);
    if (record.length > MAX_CELLS) {
      throw new CsvError('invalid_csv', `Line ${start} has more than ${MAX_CELLS} cells: this is not a file of mailboxes.`);
    }
    if (isBlank(record)) return null;
    records.push({ line: start, cells: record });
    if (records.length > maxRows + 1) {
      throw new CsvError('payload_too_large', `The file has more than ${maxRows.toLocaleString('en-US')} rows. Split it into files of at most ${maxRows.toLocaleString('en-US')} rows.`);
    }
    return null; // kept here, not in csv-parse's result
  };
  try {
    // csv-parse's types do not follow `raw: true` into the argument on_record receives.
    parse(text, { ...READ, delimiter, raw: true, on_record: onRecord as unknown as (record: string[]) => null });
  } catch (error) {
    if (error instanceof ParseError) throw new CsvError('invalid_csv', parseProblem(error, line));
    throw error;
  }
  return records;
}

/** csv-parse's error in words, naming the line its record starts on and never a cell's text (it may be a password). */
function parseProblem(error: ParseError, line: number): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `Line ${line}: a quote opened in this row is never closed.`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `Line ${line}: text after a closing quote. A quote inside a quoted cell must be doubled ("").`;
    case 'INVALID_OPENING_QUOTE':
      return `Line ${line}: a quote inside a cell that does not start with one. Put the whole cell in quotes and double the quote inside ("").`;
    case 'CSV_MAX_RECORD_SIZE':
      return `Line ${line} starts a row of more than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters: a quote in it is never closed, or this is not a file of mailboxes.`;
    default:
      return `Line ${line} cannot be read as CSV (${error.code}).`;
  }
}

/**
 * The whole file as headers and data rows. Refuses an empty file, a header without rows and
 * two columns with the same name (a mapping could not tell them apart).
 */
export function readCsv(bytes: Uint8Array, { maxRows = Infinity } = {}): CsvTable {
  return tableOf(decodeUtf8(bytes), maxRows);
}

/** The same, from text already decoded (an import re-reads its stored file this way). */
export function tableOf(text: string, maxRows = Infinity): CsvTable {
  if (text.trim() === '') throw new CsvError('invalid_csv', 'The file is empty.');
  // Excel's "sep=;" first line names the delimiter; the header follows it.
  const hint = /^sep=([,;\t])\r?\n/i.exec(text);
  const body = hint ? text.slice(hint[0].length) : text;
  const delimiter = hint ? (hint[1] as Delimiter) : detectDelimiter(body);
  const [head, ...rows] = parseCsv(body, delimiter, maxRows);
  if (!head) throw new CsvError('invalid_csv', 'The file is empty.');
  if (rows.length === 0) throw new CsvError('invalid_csv', 'The file has a header line but no rows of mailboxes.');
  if (head.cells.length > MAX_COLUMNS) {
    throw new CsvError('invalid_input', `The header has ${head.cells.length} columns; a file of mailboxes has at most ${MAX_COLUMNS}. Is the first line the header?`);
  }
  const long = head.cells.findIndex((h) => h.length > MAX_HEADER_LENGTH);
  if (long >= 0) throw new CsvError('invalid_input', `The name of column ${long + 1} is longer than ${MAX_HEADER_LENGTH} characters. Is the first line the header?`);
  if (hint) for (const r of [head, ...rows]) r.line += 1;
  const headers = head.cells.map((h, k) => h.trim() || `Column ${k + 1}`);
  const seen = new Map<string, number>();
  headers.forEach((h, k) => {
    const key = h.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new CsvError('invalid_input', `Columns ${first + 1} and ${k + 1} are both named "${h}". Rename one so that each column can be mapped.`);
    }
    seen.set(key, k);
  });
  return { delimiter, headers, rows };
}

/**
 * A cell the guard wrote, or a value that would read as one: apostrophes, then one of the
 * characters csv-stringify's `escape_formulas` prefixes with `'`.
 */
const GUARDED = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A CSV file for a person to open in a spreadsheet: a BOM (Excel reads the file as UTF-8
 * only with one), CRLF line ends, and every cell that starts with `=`, `+`, `-`, `@` (or
 * their full-width forms, a tab or a carriage return) prefixed with `'` so it stays text.
 * A value that already starts with apostrophes before such a character gets one more, so
 * that `unguardFormula` undoes exactly one and every value reads back as it was.
 */
export function writeCsv(rows: string[][]): string {
  const cells = rows.map((row) => row.map((v) => (GUARDED.test(v) ? `'${v}` : v)));
  // Giving record_delimiter turns off quoting of cells with line breaks unless quote_record_delimiter says so.
  return stringify(cells, { bom: true, escape_formulas: true, record_delimiter: 'windows', quote_record_delimiter: true });
}

/**
 * A cell of a file `writeCsv` wrote, as it was before the formula guard: the one `'` put
 * before a formula start (or before apostrophes that lead to one) is taken off; any other
 * cell is left as it is.
 *
 * @example unguardFormula("'-Sales"); // '-Sales'
 */
export function unguardFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
