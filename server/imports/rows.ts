/**
 * From CSV rows to mailboxes: the mapping is checked once, then each row on its own. A bad
 * row says what is wrong in words and never stops the others. Messages never repeat a
 * password: a cell that equals one of the row's passwords is shown as "(hidden)".
 *
 * @example
 *   const mapping = checkMapping(body.mapping, table.headers);
 *   const rows = validateRows(table, mapping); // [{ line: 2, email, candidate }, { line: 3, email, error }]
 */
import { IMPORT_FIELDS, SIGN_IN_LABEL, type ImportField } from '../../shared/api.ts';
import { IMPORT_FIELD_INFO } from '../../shared/import-fields.ts';
import { emailSchema, oauthMailboxOf, sideSettingsSchema, type ServerSettingsInput } from '../../shared/schemas.ts';
import { DomainError } from '../errors.ts';
import { unguardFormula, type CsvTable } from './csv.ts';
import { looksSecret, type Mapping } from './fields.ts';

export interface Candidate {
  email: string;
  name: string | null;
  /** A Regrant user's email; null: the person importing. */
  owner: string | null;
  smtp: ServerSettingsInput;
  imap: ServerSettingsInput;
}

export interface RowError {
  code: string;
  message: string;
}

/** One row after validation: a mailbox to save, or why not. */
export type CheckedRow = { line: number; email: string; candidate: Candidate; error?: undefined } | { line: number; email: string; error: RowError; candidate?: undefined };

/**
 * The mapping the client chose, checked against the file: known fields, headers that exist,
 * every required field mapped. `duplicateFields` are fields the request named twice.
 */
export function checkMapping(raw: unknown, headers: string[], duplicateFields: string[] = []): Mapping {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DomainError('invalid_input', 'mapping: must be an object of field → column name', 'mapping');
  }
  if (duplicateFields.length > 0) {
    const f = duplicateFields[0];
    throw new DomainError('invalid_input', `mapping.${f}: two columns are mapped to ${f}; map one column to each field`, `mapping.${f}`);
  }
  const mapping: Mapping = {};
  for (const [field, header] of Object.entries(raw)) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw new DomainError('invalid_input', `mapping.${field}: is not a field of the import; the fields are ${IMPORT_FIELDS.join(', ')}`, `mapping.${field}`);
    }
    if (header === null || header === undefined || header === '') continue;
    if (typeof header !== 'string') throw new DomainError('invalid_input', `mapping.${field}: must be a column name`, `mapping.${field}`);
    if (!headers.includes(header)) {
      throw new DomainError('invalid_input', `mapping.${field}: the file has no column "${header}"`, `mapping.${field}`);
    }
    mapping[field as ImportField] = header;
  }
  const missing = IMPORT_FIELDS.filter((f) => IMPORT_FIELD_INFO[f].required && !mapping[f]);
  if (missing.length > 0) {
    const labels = missing.map((f) => IMPORT_FIELD_INFO[f].label).join(', ');
    throw new DomainError('invalid_input', `mapping.${missing[0]}: choose the column for ${labels}`, `mapping.${missing[0]}`);
  }
  return mapping;
}

/** A field as the person knows it from the mapping step ("SMTP port"), never its internal name. */
const said = (field: string) => IMPORT_FIELD_INFO[field as ImportField]?.label ?? field;

class RowProblem extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * Validates every row. Rows naming the same mailbox all fail (only the person knows which is
 * right), even when one of them fails for another reason too.
 */
export function validateRows(table: CsvTable, mapping: Mapping): CheckedRow[] {
  const column = Object.fromEntries(Object.entries(mapping).map(([f, h]) => [f, table.headers.indexOf(h)])) as Partial<Record<ImportField, number>>;
  // Columns that hold secrets: mapped as passwords, or named like them.
  const secretColumns = table.headers.map((h, k) => k).filter((k) => k === column.smtp_password || k === column.imap_password || looksSecret(table.headers[k]));
  const addresses = new Map<string, number[]>();
  const checked = table.rows.map((record): CheckedRow => {
    // A file Regrant exported had its formula guard put on every cell but the (empty) passwords;
    // passwords are taken exactly as written.
    const cell = (f: ImportField) => {
      const value = column[f] === undefined ? '' : (record.cells[column[f]!] ?? '');
      return f === 'smtp_password' || f === 'imap_password' ? value : unguardFormula(value);
    };
    const secrets = new Set(secretColumns.map((k) => (record.cells[k] ?? '').trim().toLowerCase()).filter(Boolean));
    const isSecret = (value: string) => secrets.has(value.trim().toLowerCase());
    const shown = (value: string) => (isSecret(value) ? '(hidden)' : value.length > 80 ? `${value.slice(0, 77)}…` : value);
    const rawEmail = cell('email').trim();
    const address = emailSchema.safeParse(rawEmail);
    if (address.success) addresses.set(address.data, [...(addresses.get(address.data) ?? []), record.line]);
    // An address that is not one is repeated only when it cannot be a secret and looks like a try at one.
    const email = address.success ? address.data : rawEmail.includes('@') && !isSecret(rawEmail) ? shown(rawEmail) : '';
    try {
      if (record.cells.length > table.headers.length && record.cells.slice(table.headers.length).some((c) => c.trim() !== '')) {
        throw new RowProblem('too_many_cells', `the row has ${record.cells.length} cells but the header has ${table.headers.length} columns`);
      }
      if (!rawEmail) throw new RowProblem('missing_value', `${said('email')}: the cell is empty`);
      if (!address.success) throw new RowProblem('invalid_email', email ? `${said('email')}: "${email}" is not a valid email address` : `${said('email')}: the cell is not a valid email address`);
      return { line: record.line, email, candidate: candidateOf(address.data, cell, shown) };
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      return { line: record.line, email, error: { code: error.code, message: error.message } };
    }
  });

  return checked.map((row) => {
    const same = addresses.get(row.email) ?? [];
    if (!row.candidate || same.length < 2) return row;
    const others = same.filter((l) => l !== row.line).join(', ');
    return { line: row.line, email: row.email, error: { code: 'duplicate_mailbox', message: `${row.email} is also on line ${others}: keep one row per mailbox` } };
  });
}

function candidateOf(email: string, cell: (f: ImportField) => string, shown: (v: string) => string): Candidate {
  const smtp = settingsOf('smtp', cell, shown, null);
  const imap = settingsOf('imap', cell, shown, smtp);
  const oauth = oauthMailboxOf(email, [smtp.host, imap.host]);
  if (oauth) {
    const oauthHost = oauth.host;
    const who = SIGN_IN_LABEL[oauth.provider];
    throw new RowProblem(
      'oauth_mailbox',
      `${email} is a ${who} mailbox${oauthHost ? ` (${oauthHost})` : ''}: ${who} mailboxes are re-granted with "Continue with ${who}" (or a share link), one by one, not imported with passwords`,
    );
  }
  const name = cell('name').trim();
  if (name.length > 200) throw new RowProblem('invalid_value', `${said('name')}: must be at most 200 characters`);
  const owner = cell('owner').trim();
  let ownerEmail: string | null = null;
  if (owner) {
    const parsed = emailSchema.safeParse(owner);
    if (!parsed.success) throw new RowProblem('invalid_owner', `${said('owner')}: "${shown(owner)}" is not a valid email address`);
    ownerEmail = parsed.data;
  }
  return { email, name: name || null, owner: ownerEmail, smtp, imap };
}

function settingsOf(side: 'smtp' | 'imap', cell: (f: ImportField) => string, shown: (v: string) => string, smtp: ServerSettingsInput | null): ServerSettingsInput {
  const f = (k: string) => `${side}_${k}` as ImportField;
  const required = (k: string) => {
    const value = cell(f(k)).trim();
    if (!value) throw new RowProblem('missing_value', `${said(f(k))}: the cell is empty`);
    return value;
  };
  const host = required('host');
  const rawPort = required('port');
  const rawSecurity = cell(f('security')).trim();
  const username = cell(f('username')).trim() || smtp?.username || '';
  if (!username) throw new RowProblem('missing_value', `${said(f('username'))}: the cell is empty`);
  // Passwords are taken exactly as written: spaces can be part of them.
  const password = cell(f('password')) || smtp?.password || '';
  if (!password) throw new RowProblem('missing_value', `${said(f('password'))}: the cell is empty`);
  // The API's own schema decides, so the import and the API accept and refuse the same settings.
  const parsed = sideSettingsSchema(side).safeParse({ host, port: rawPort, ...(rawSecurity ? { security: rawSecurity } : {}), username, password });
  if (parsed.success) return parsed.data;
  const key = String(parsed.error.issues[0].path[0]);
  if (key === 'port') throw new RowProblem('invalid_port', `${said(f('port'))}: "${shown(rawPort)}" is not a port; use a whole number from 1 to 65535`);
  if (key === 'security') throw new RowProblem('invalid_security', `${said(f('security'))}: "${shown(rawSecurity)}" is not a security mode; use tls (also written ssl), starttls or none`);
  if (key === 'host') throw new RowProblem('invalid_value', `${said(f('host'))}: "${shown(host)}" is not a host name`);
  throw new RowProblem('invalid_value', `${said(f(key))}: ${parsed.error.issues[0].message}`);
}
