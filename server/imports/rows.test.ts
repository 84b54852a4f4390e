import { describe, expect, it } from 'vitest';
import type { CsvTable } from './csv.ts';
import { checkMapping, validateRows } from './rows.ts';

const HEADERS = ['email', 'smtp_host', 'smtp_port', 'smtp_security', 'smtp_username', 'smtp_password', 'imap_host', 'imap_port', 'imap_security', 'imap_username', 'imap_password', 'owner'];
const MAPPING = Object.fromEntries(HEADERS.map((h) => [h, h]));
const good = { email: 'ann@acme.test', smtp_host: 'mail.acme.test', smtp_port: '465', smtp_security: '', smtp_username: 'ann', smtp_password: ' s3cret ', imap_host: 'mail.acme.test', imap_port: '993', imap_security: '', imap_username: '', imap_password: '', owner: '' };
const table = (...rows: Partial<typeof good>[]): CsvTable => ({ delimiter: ',', headers: HEADERS, rows: rows.map((r, i) => ({ line: i + 2, cells: HEADERS.map((h) => ({ ...good, ...r })[h as keyof typeof good]) })) });
const errorOf = (r: Partial<typeof good>) => validateRows(table(r), MAPPING)[0].error;

describe('validateRows', () => {
  it('a good row: security from the port, IMAP login from SMTP when blank, the password exactly as written', () => {
    const [row] = validateRows(table({ email: ' Ann@ACME.test ' }), MAPPING);
    expect(row).toEqual({
      line: 2,
      email: 'ann@acme.test',
      candidate: {
        email: 'ann@acme.test', name: null, owner: null,
        smtp: { host: 'mail.acme.test', port: 465, security: 'tls', username: 'ann', password: ' s3cret ' },
        imap: { host: 'mail.acme.test', port: 993, security: 'tls', username: 'ann', password: ' s3cret ' },
      },
    });
    expect(validateRows(table({ smtp_port: '587', smtp_security: 'SSL', imap_security: 'STARTTLS' }), MAPPING)[0].candidate).toMatchObject({ smtp: { port: 587, security: 'tls' }, imap: { security: 'starttls' } });
  });

  it('each bad value says which field and why', () => {
    expect(errorOf({ email: 'ann@acme' })).toEqual({ code: 'invalid_email', message: 'Email address: "ann@acme" is not a valid email address' });
    // Without an @ it may be anything (a password column picked by mistake): not repeated.
    expect(errorOf({ email: 'ann.acme.test' })).toEqual({ code: 'invalid_email', message: 'Email address: the cell is not a valid email address' });
    expect(errorOf({ email: '' })).toEqual({ code: 'missing_value', message: 'Email address: the cell is empty' });
    expect(errorOf({ smtp_port: '25x' })).toEqual({ code: 'invalid_port', message: 'SMTP port: "25x" is not a port; use a whole number from 1 to 65535' });
    expect(errorOf({ imap_port: '0' })?.code).toBe('invalid_port');
    expect(errorOf({ imap_port: '993.5' })?.code).toBe('invalid_port');
    expect(errorOf({ smtp_security: 'yes please' })).toEqual({ code: 'invalid_security', message: 'SMTP security: "yes please" is not a security mode; use tls (also written ssl), starttls or none' });
    expect(errorOf({ smtp_host: 'mail acme' })?.code).toBe('invalid_value');
    expect(errorOf({ smtp_password: '' })).toEqual({ code: 'missing_value', message: 'SMTP password: the cell is empty' });
    expect(errorOf({ owner: 'boss' })).toEqual({ code: 'invalid_owner', message: 'Owner (Regrant user): "boss" is not a valid email address' });
  });

  it('names fields as the mapping step does ("SMTP port"), never by their internal names (smtp_port)', () => {
    const bad = [{ email: '' }, { smtp_port: '70000' }, { imap_port: 'x' }, { smtp_host: 'a b' }, { imap_security: 'maybe' }, { smtp_username: '' }, { smtp_password: '' }, { owner: 'boss' }, { name: 'n'.repeat(201) }];
    const messages = bad.map((cells) => errorOf(cells)?.message ?? '');
    expect(messages.filter((m) => /\b(smtp|imap)_\w+|^(email|owner|name):/.test(m))).toEqual([]);
    expect(messages[1]).toBe('SMTP port: "70000" is not a port; use a whole number from 1 to 65535');
    expect(messages[3]).toMatch(/^SMTP host: /);
  });

  it('never repeats a password, even from a column mapped by mistake', () => {
    expect(errorOf({ smtp_port: 'hunter2', smtp_password: 'hunter2' })?.message).toBe('SMTP port: "(hidden)" is not a port; use a whole number from 1 to 65535');
    // The password column picked for the address: the row says nothing of what it holds.
    const mistaken = validateRows(table({ smtp_password: 'Hunter2@Secret' }), { ...MAPPING, email: 'smtp_password' })[0];
    expect(mistaken).toEqual({ line: 2, email: '', error: { code: 'invalid_email', message: 'Email address: the cell is not a valid email address' } });
    // A column named like a password, not mapped as one, is hidden too, whatever its case.
    const t: CsvTable = { ...table({ email: 'p@ss' }), headers: [...HEADERS.slice(0, -1), 'Kennwort'] };
    t.rows[0].cells[HEADERS.length - 1] = 'P@SS';
    expect(JSON.stringify(validateRows(t, MAPPING))).not.toMatch(/p@ss/i);
  });

  it('a row repeating an address fails with its twin even when the twin has another mistake', () => {
    const rows = validateRows(table({}, { smtp_port: 'x' }), MAPPING);
    expect(rows.map((r) => r.error?.code)).toEqual(['duplicate_mailbox', 'invalid_port']);
    expect(rows[0].error?.message).toBe('ann@acme.test is also on line 3: keep one row per mailbox');
  });

  it('Google and Microsoft mailboxes are re-granted, not imported', () => {
    expect(errorOf({ smtp_host: 'smtp.gmail.com', imap_host: 'imap.gmail.com' })).toEqual({
      code: 'oauth_mailbox',
      message: 'ann@acme.test is a Google mailbox (smtp.gmail.com): Google mailboxes are re-granted with "Continue with Google" (or a share link), one by one, not imported with passwords',
    });
    expect(errorOf({ email: 'max@outlook.com' })?.message).toMatch(/^max@outlook.com is a Microsoft mailbox: Microsoft mailboxes are re-granted/);
    expect(errorOf({ imap_host: 'outlook.office365.com' })?.code).toBe('oauth_mailbox');
  });

  it('every row naming the same mailbox fails, each naming the others', () => {
    const rows = validateRows(table({}, { email: 'bob@acme.test' }, { email: 'ANN@acme.test' }, { email: 'ann@acme.test' }), MAPPING);
    expect(rows.map((r) => r.error?.message ?? 'ok')).toEqual([
      'ann@acme.test is also on line 4, 5: keep one row per mailbox',
      'ok',
      'ann@acme.test is also on line 2, 5: keep one row per mailbox',
      'ann@acme.test is also on line 2, 4: keep one row per mailbox',
    ]);
  });

  it('a row longer than the header fails unless the extra cells are empty', () => {
    const t = table({});
    t.rows.push({ line: 3, cells: [...t.rows[0].cells, '', ''] }, { line: 4, cells: [...t.rows[0].cells.map((c, i) => (i === 0 ? 'x@acme.test' : c)), 'extra'] });
    const rows = validateRows(t, MAPPING);
    expect(rows[2].error).toEqual({ code: 'too_many_cells', message: 'the row has 13 cells but the header has 12 columns' });
    expect(rows[1].error?.code).toBe('duplicate_mailbox');
  });
});

describe('checkMapping', () => {
  it('accepts unmapped optional fields (null or empty) and refuses what cannot work', () => {
    expect(checkMapping({ ...MAPPING, owner: null, imap_password: '' }, HEADERS)).not.toHaveProperty('owner');
    expect(() => checkMapping({ ...MAPPING, email: undefined }, HEADERS)).toThrow('mapping.email: choose the column for Email address');
    expect(() => checkMapping({ ...MAPPING, email: null, smtp_port: null }, HEADERS)).toThrow('mapping.email: choose the column for Email address, SMTP port');
    expect(() => checkMapping([], HEADERS)).toThrow('mapping: must be an object of field → column name');
    expect(() => checkMapping(MAPPING, HEADERS, ['email'])).toThrow('mapping.email: two columns are mapped to email');
  });
});
