import { describe, expect, it } from 'vitest';
import { IMPORT_FIELDS, type AccountView } from '../../shared/api.ts';
import { readCsv } from './csv.ts';
import { exportCsv, exportFileName } from './export.ts';
import { suggestMapping } from './fields.ts';
import { validateRows } from './rows.ts';

function mailbox(email: string, extra: Partial<AccountView> = {}): AccountView {
  const side = (host: string, port: number) => ({ host, port, security: 'starttls' as const, username: `u-${email}`, hasPassword: true });
  return {
    id: `acc_${email.split('@')[0]}`, email, provider: 'custom', state: 'needs_reauth', reason: null, lastCheckedAt: null, stateChangedAt: '2026-12-01T00:00:00.000Z',
    pendingEmails: 0, trouble: null, name: null, owner: { id: 'usr_1', email: 'boss@acme.test' }, smtp: side('smtp.acme.test', 587), imap: side('imap.acme.test', 143),
    nextCheckAt: null, createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', ...extra,
  };
}

describe('exportCsv', () => {
  it('writes the template columns for each mailbox asked, in that order, every cell filled but the passwords', () => {
    const text = exportCsv([mailbox('ann@acme.test', { name: 'Sales' }), mailbox('bob@acme.test')], ['acc_bob', 'acc_ann', 'acc_bob']);
    const table = readCsv(new TextEncoder().encode(text));
    expect(table.headers).toEqual([...IMPORT_FIELDS]);
    const row = (k: number) => Object.fromEntries(table.headers.map((h, i) => [h, table.rows[k].cells[i]]));
    expect(table.rows).toHaveLength(2);
    expect(row(0)).toEqual({ email: 'bob@acme.test', name: '', owner: 'boss@acme.test', smtp_host: 'smtp.acme.test', smtp_port: '587', smtp_security: 'starttls', smtp_username: 'u-bob@acme.test', smtp_password: '', imap_host: 'imap.acme.test', imap_port: '143', imap_security: 'starttls', imap_username: 'u-bob@acme.test', imap_password: '' });
    expect(row(1).name).toBe('Sales');
  });

  it('a name the formula guard changed reads back unchanged once passwords are filled in', () => {
    const names = ['-Sales', '=HYPERLINK("x")', "'+quoted"];
    const text = exportCsv(names.map((name, k) => mailbox(`m${k}@acme.test`, { name })), ['acc_m0', 'acc_m1', 'acc_m2']);
    expect(text).toContain("'-Sales");
    const filled = text.replace(/(starttls,u-m\d@acme\.test),/g, '$1,pw').replace(/(starttls,u-m\d@acme\.test)\r\n/g, '$1,pw\r\n');
    const table = readCsv(new TextEncoder().encode(filled));
    const rows = validateRows(table, suggestMapping(table.headers));
    expect(rows.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(rows.map((r) => r.candidate?.name)).toEqual(names);
    expect(rows.map((r) => r.candidate?.smtp.password)).toEqual(['pw', 'pw', 'pw']);
  });

  it('an id the caller cannot see is not found; a Gmail mailbox is refused by its address', () => {
    expect(() => exportCsv([mailbox('ann@acme.test')], ['acc_ann', 'acc_zed'])).toThrow(expect.objectContaining({ code: 'not_found', message: 'no mailbox acc_zed' }));
    const gmail = mailbox('mia@acme.test', { provider: 'google', smtp: null, imap: null });
    expect(() => exportCsv([gmail], ['acc_mia'])).toThrow(expect.objectContaining({ code: 'wrong_provider', message: expect.stringMatching(/^mia@acme\.test is a Gmail mailbox: it is re-granted with "Continue with Google"/) }));
  });

  it('names the file by the day', () => {
    expect(exportFileName(new Date('2026-12-04T23:10:00Z'))).toBe('regrant-reauth-2026-12-04.csv');
  });
});
