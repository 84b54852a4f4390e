import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, detectDelimiter, MAX_RECORD_CHARS, parseCsv, readCsv, unguardFormula, writeCsv } from './csv.ts';

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

  it('a lone CR ends a line (old Mac files), also in a file that mixes line endings', () => {
    expect(parseCsv('a,b\r5,x\r\n6,y\n\r7,z', ',')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['5', 'x'] },
      { line: 3, cells: ['6', 'y'] },
      { line: 5, cells: ['7', 'z'] },
    ]);
  });

  it('names the line of a row whose quote is never closed, counting line breaks inside earlier quoted cells', () => {
    expect(() => parseCsv('a,b\n"x\ny",1\n"open,2\n', ',')).toThrow('Line 4: a quote opened in this row is never closed.');
  });

  it('refuses quotes that RFC 4180 does not allow, naming the line and never the cell (it may be a password)', () => {
    // The hand-written parser kept a quote inside an unquoted cell; csv-parse refuses it.
    expect(() => parseCsv('a,b\n"x\ny",1\n5"secret,x\n', ',')).toThrow(/^Line 4: a quote inside a cell that does not start with one\. Put the whole cell in quotes/);
    expect(() => parseCsv('a,b\n"x"secret,1\n', ',')).toThrow(/^Line 2: text after a closing quote\./);
    expect(() => parseCsv('a,b\n5"secret,x\n', ',')).not.toThrow(/secret/);
    expect(() => parseCsv('a,b\n"x"secret,1\n', ',')).not.toThrow(/secret/);
  });

  it('a row longer than MAX_RECORD_CHARS is refused by the line it starts on, before it fills memory', () => {
    const tooLong = 'Line 3 starts a row of more than 100,000 characters: a quote in it is never closed, or this is not a file of mailboxes.';
    expect(() => parseCsv(`a\n1\n${'x'.repeat(MAX_RECORD_CHARS + 10)}\n`, ',')).toThrow(tooLong);
    expect(() => parseCsv(`a\n1\n"${'x\n'.repeat(MAX_RECORD_CHARS)}`, ',')).toThrow(tooLong);
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

  it('skips blank lines before the header, reads a quoted header cell holding a line break, and looks at the header only', () => {
    expect(detectDelimiter('\r\n\nemail;name\n')).toBe(';');
    expect(detectDelimiter(' \n;;\nemail;name;full name\n')).toBe(';');
    expect(detectDelimiter('"e\nmail"\tname\tpass\n1;2;3;4;5')).toBe('\t');
    // The hand-written scan went on to the first line holding a delimiter; the header alone decides now.
    expect(detectDelimiter('email\nann;x')).toBe(',');
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

describe('writeCsv', () => {
  it('starts with a BOM, ends lines with CRLF, quotes what needs it, and neutralises what a spreadsheet would run as a formula', () => {
    const cells = ['=1+1', '+1', '-2', '@SUM(A1)', '\t=x', '\r=x', '\uFF1DSUM(A1)', 'plain@acme.test', 'a, "b"', '=cmd|"x",1', 'two\nlines'];
    const text = writeCsv([['h'], cells]);
    expect(text.startsWith('\uFEFFh\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(`'=1+1,'+1,'-2,'@SUM(A1),'\t=x,"'\r=x",'\uFF1DSUM(A1),plain@acme.test,"a, ""b""","'=cmd|""x"",1","two\nlines"`);
    // Read back by a CSV reader, each cell is its text, with the guard's quote before a formula.
    expect(parse(text, { bom: true, relax_column_count: true })[1]).toEqual(cells.map((c) => (/^[=+\-@\t\r\uFF1D]/.test(c) ? `'${c}` : c)));
  });

  it("every value comes back as it was once the guard is undone: the guard's own apostrophe goes, a person's stays", () => {
    const values = ['-Sales', '=SUM(A1)', '+33 1 23', '@team', '\uFF0Dwide', "'=x", "''-y", "'plain", "it's", 'plain', "'", '5-2', '\t=tab'];
    const text = writeCsv([['v'], ...values.map((v) => [v])]);
    const read = parseCsv(text.replace(/^\uFEFF/, ''), ',').slice(1).map((r) => unguardFormula(r.cells[0]));
    expect(read).toEqual(values);
    // What a spreadsheet sees stays text: every cell that could run starts with an apostrophe.
    expect(text).toContain("\r\n'-Sales\r\n'=SUM(A1)\r\n");
    expect(text).toContain("\r\n''=x\r\n'''-y\r\n'plain\r\n");
  });

  it('unguardFormula leaves a cell alone unless apostrophes lead to a formula start, and takes off one', () => {
    expect(unguardFormula("'-Sales")).toBe('-Sales');
    expect(unguardFormula("'plain")).toBe("'plain");
    expect(unguardFormula('-Sales')).toBe('-Sales');
    expect(unguardFormula("''=x")).toBe("'=x");
  });
});
