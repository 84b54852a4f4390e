/**
 * Reading a CSV file a person exported from a spreadsheet: UTF-8 with or without a BOM,
 * comma, semicolon or tab found from the header line, RFC 4180 quoting (a quoted cell may
 * hold the delimiter, quotes doubled, and line breaks). Every record knows the line it
 * started on, so errors can name it.
 *
 * @example
 *   const table = readCsv(bytes, { maxRows: 10_000 });
 *   table.headers; // ['Email', 'SMTP Host', …]
 *   table.rows[0]; // { line: 2, cells: ['ann@acme.test', 'smtp.acme.test', …] }
 */
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

/** The delimiter that splits the header line most often (outside quotes); comma on a tie. */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (counts[','] + counts[';'] + counts['\t'] > 0) break;
    } else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  const best = (Object.keys(counts) as Delimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ',');
  return best;
}

/**
 * Splits `text` into records. Throws a CsvError on a quote that is never closed or text
 * right after a closing quote, and a `payload_too_large` one past `maxRows` data rows.
 */
export function parseCsv(text: string, delimiter: Delimiter, maxRows = Infinity): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const cells: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let cell = '';
      if (text[i] === '"') {
        const openedOn = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError('invalid_csv', `The quote opened on line ${openedOn} is never closed.`);
          const chunk = text.slice(i, q);
          line += countLineBreaks(chunk);
          cell += chunk;
          if (text[q + 1] === '"') {
            cell += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const next = text[i];
        if (i < n && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new CsvError('invalid_csv', `Line ${line}: text after a closing quote. A quote inside a quoted cell must be doubled ("").`);
        }
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      if (cells.length > MAX_CELLS) {
        throw new CsvError('invalid_csv', `Line ${startLine} has more than ${MAX_CELLS} cells: this is not a file of mailboxes.`);
      }
      if (i >= n) endOfRecord = true;
      else if (text[i] === delimiter) i++;
      else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    // A blank line, or a row of empty cells (spreadsheets write those for formatted empty rows).
    if (cells.every((c) => c.trim() === '')) continue;
    records.push({ line: startLine, cells });
    if (records.length > maxRows + 1) {
      throw new CsvError('payload_too_large', `The file has more than ${maxRows.toLocaleString('en-US')} rows. Split it into files of at most ${maxRows.toLocaleString('en-US')} rows.`);
    }
  }
  return records;
}

function countLineBreaks(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\n') count++;
    else if (s[k] === '\r' && s[k + 1] !== '\n') count++;
  }
  return count;
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
