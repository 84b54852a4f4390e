/**
 * How the bulk CSV's fields are presented and which must be mapped: the server refuses a run
 * without them and the extension marks them, from this one list.
 */
import type { ImportField } from './api.ts';

export interface ImportFieldInfo {
  label: string;
  required: boolean;
  /** What happens when the field is not mapped or its cell is blank. */
  whenBlank?: string;
}

export const IMPORT_FIELD_INFO: Record<ImportField, ImportFieldInfo> = {
  email: { label: 'Email address', required: true },
  name: { label: 'Name', required: false, whenBlank: 'no name' },
  owner: { label: 'Owner (Regrant user)', required: false, whenBlank: 'you' },
  smtp_host: { label: 'SMTP host', required: true },
  smtp_port: { label: 'SMTP port', required: true },
  smtp_security: { label: 'SMTP security', required: false, whenBlank: 'tls on port 465, starttls otherwise' },
  smtp_username: { label: 'SMTP username', required: true },
  smtp_password: { label: 'SMTP password', required: true },
  imap_host: { label: 'IMAP host', required: true },
  imap_port: { label: 'IMAP port', required: true },
  imap_security: { label: 'IMAP security', required: false, whenBlank: 'tls on port 993, starttls otherwise' },
  imap_username: { label: 'IMAP username', required: false, whenBlank: 'the SMTP username' },
  imap_password: { label: 'IMAP password', required: false, whenBlank: 'the SMTP password' },
};

/** At most this many data rows and bytes per file. */
export const IMPORT_MAX_ROWS = 10_000;
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
