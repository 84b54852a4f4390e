import { describe, expect, it } from 'vitest';
import { decodeUtf8, detectDelimiter, parseCsv, readCsv } from './csv.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseCsv', () => {
  it('reads quoted cells holding the delimiter, doubled quotes and line breaks, and numbers records by their first line', () => {
    const text = 'a,b,c\r\n1,"two, too","x ""y"" z"\n"multi\r\nline\nname",5,\n\n7,8,9';
    expect(parseCsv(text, ',')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'two, too', 'x "y" z'] },
      { line: 3, cells: ['multi\r\nline\nname', '5', ''] },
      { line: 7, cells: ['7', '8', '9'] },
    ]);
  });

  it('keeps a quote inside an unquoted cell as it is; a lone CR ends a line (old Mac files)', () => {
    expect(parseCsv('a,b\r5"6,x\r', ',')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['5"6', 'x'] },
    ]);
  });

  it('names the line of a quote never closed, counting line breaks inside earlier quoted cells', () => {
    expect(() => parseCsv('a,b\n"x\ny",1\n"open,2\n', ',')).toThrow('The quote opened on line 4 is never closed.');
  });

  it('stops past maxRows data rows', () => {
    expect(parseCsv('h\n1\n2\n', ',', 2)).toHaveLength(3);
    expect(() => parseCsv('h\n1\n2\n3\n', ',', 2)).toThrow('The file has more than 2 rows');
  });
});

describe('detectDelimiter', () => {
  it('picks what splits the header most, outside quotes', () => {
    expect(detectDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b\n')).toBe(',');
    expect(detectDelimiter('email\nann@acme.test')).toBe(',');
  });
});

describe('decodeUtf8', () => {
  it('drops a BOM; refuses overlong forms and lone continuation bytes naming their line', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]))).toBe('hé');
    expect(() => decodeUtf8(new Uint8Array([0x61, 0x0a, 0xc0, 0xaf]))).toThrow(/^Line 2 is not UTF-8 text \(byte 0xC0\)/);
    expect(() => decodeUtf8(new Uint8Array([0x0a, 0x0a, 0x61, 0x80]))).toThrow(/^Line 3 is not UTF-8 text \(byte 0x80\)/);
    expect(() => decodeUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toThrow(/^Line 1 is not UTF-8 text \(byte 0xE2\)/);
  });
});

describe('readCsv', () => {
  it('names blank headers by their column and ignores blank lines', () => {
    const t = readCsv(bytes('email,,name\n\nann@acme.test,x,Ann\n'));
    expect(t.headers).toEqual(['email', 'Column 2', 'name']);
    expect(t.rows).toEqual([{ line: 3, cells: ['ann@acme.test', 'x', 'Ann'] }]);
  });
});

describe('what spreadsheets write, and what no file of mailboxes has', () => {
  it('rows of empty cells are blank lines; an Excel "sep=;" line names the delimiter', () => {
    expect(readCsv(bytes('email;name\n;;\nann@acme.test;Ann\n ; \n')).rows).toEqual([{ line: 3, cells: ['ann@acme.test', 'Ann'] }]);
    const t = readCsv(bytes('sep=;\r\nemail;name,full\r\nann@acme.test;Ann, A.\r\n'));
    expect(t).toEqual({ delimiter: ';', headers: ['email', 'name,full'], rows: [{ line: 3, cells: ['ann@acme.test', 'Ann, A.'] }] });
  });

  it('a header of hundreds of columns, a huge column name or a row of thousands of cells is refused at once', () => {
    expect(() => readCsv(bytes(`email${','.repeat(150)}\nx\n`))).toThrow('The header has 151 columns; a file of mailboxes has at most 100. Is the first line the header?');
    expect(() => readCsv(bytes(`email,${'n'.repeat(201)}\nx,y\n`))).toThrow('The name of column 2 is longer than 200 characters');
    expect(() => readCsv(bytes(`email\nx${','.repeat(5000)}\n`))).toThrow('Line 2 has more than 1000 cells: this is not a file of mailboxes.');
  });
});
