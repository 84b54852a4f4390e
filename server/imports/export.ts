/**
 * The bulk CSV of mailboxes that exist: every column of the template filled from their saved
 * settings except the passwords, which stay empty. Fixing many mailboxes whose passwords
 * changed is then: fill in the passwords, import the file with "Update inbox if it exists".
 * Cells go through the same formula guard as every file Regrant writes, which the import undoes.
 *
 * @example
 *   const csv = exportCsv(await accounts.list(actor), ['acc_1', 'acc_2']);
 *   // '\uFEFFemail,name,owner,smtp_host,…\r\nann@acme.test,Sales,boss@acme.test,smtp.acme.test,…'
 */
import { IMPORT_FIELDS, MAILBOX_KIND_LABEL, SIGN_IN_LABEL, type AccountView, type ImportField, type ServerSettingsView } from '../../shared/api.ts';
import { DomainError } from '../errors.ts';
import { writeCsv } from './csv.ts';

const sideCells = (side: 'smtp' | 'imap', s: ServerSettingsView | null): Partial<Record<ImportField, string>> =>
  s ? { [`${side}_host`]: s.host, [`${side}_port`]: String(s.port), [`${side}_security`]: s.security, [`${side}_username`]: s.username } : {};

/**
 * The rows of `ids` among `visible` (the mailboxes the caller may list), in the order asked.
 * An id the caller cannot see is "not found", as everywhere; a Google or Microsoft mailbox is
 * refused by its address (it is re-granted, not given a password).
 */
export function exportCsv(visible: readonly AccountView[], ids: readonly string[]): string {
  const byId = new Map(visible.map((a) => [a.id, a]));
  const rows = [...new Set(ids)].map((id) => {
    const a = byId.get(id);
    if (!a) throw new DomainError('not_found', `no mailbox ${id}`, 'ids');
    if (a.provider !== 'custom') {
      const label = SIGN_IN_LABEL[a.provider];
      throw new DomainError('wrong_provider', `${a.email} is a ${MAILBOX_KIND_LABEL[a.provider]} mailbox: it is re-granted with "Continue with ${label}" or a share link, not imported with a password; leave it out of the export`, 'ids');
    }
    const cells: Partial<Record<ImportField, string>> = { email: a.email, name: a.name ?? '', owner: a.owner.email, ...sideCells('smtp', a.smtp), ...sideCells('imap', a.imap) };
    return IMPORT_FIELDS.map((f) => cells[f] ?? '');
  });
  return writeCsv([[...IMPORT_FIELDS], ...rows]);
}

/** The export's file name: `regrant-reauth-2026-12-04.csv`. */
export const exportFileName = (now: Date) => `regrant-reauth-${now.toISOString().slice(0, 10)}.csv`;
