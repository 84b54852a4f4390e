/**
 * The bulk CSV's fields: the template, and a guess of which column holds which field from
 * the headers people actually write ("SMTP Password", "smtp pass", "IMAP User",
 * "Outgoing server", "Password" for both servers).
 *
 * @example suggestMapping(['E-mail', 'Outgoing server', 'Password']) // { email: 'E-mail', smtp_host: 'Outgoing server', smtp_password: 'Password', imap_password: 'Password' }
 */
import { IMPORT_FIELDS, type ImportField } from '../../shared/api.ts';
import { writeCsv } from './csv.ts';

export type Mapping = Partial<Record<ImportField, string>>;

type Side = 'smtp' | 'imap';
type Kind = 'host' | 'port' | 'security' | 'username' | 'password';

const SIDE_WORDS: Record<string, Side> = { smtp: 'smtp', outgoing: 'smtp', outbound: 'smtp', sending: 'smtp', send: 'smtp', imap: 'imap', incoming: 'imap', inbound: 'imap', receiving: 'imap', receive: 'imap' };

const KIND_WORDS: Record<string, Kind> = {
  host: 'host', hostname: 'host', server: 'host', address: 'host', serveur: 'host', servidor: 'host',
  port: 'port',
  security: 'security', encryption: 'security', ssl: 'security', tls: 'security', secure: 'security', starttls: 'security',
  user: 'username', username: 'username', login: 'username', userid: 'username',
  password: 'password', pass: 'password', passwd: 'password', pwd: 'password', secret: 'password', apppassword: 'password',
};

const KIND_PRIORITY: Kind[] = ['password', 'port', 'security', 'username', 'host'];

/** Lower-case words of a header: "SMTP_Password", "smtpPassword" and "smtp password" agree. */
function words(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/e-mail/g, 'email')
    .replace(/user\s+name/g, 'username')
    .replace(/app\s+password/g, 'apppassword')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

type Guess = { field: ImportField; both?: undefined } | { both: Kind; field?: undefined } | null;

function guess(header: string): Guess {
  const w = words(header);
  const joined = w.join('');
  if ((IMPORT_FIELDS as readonly string[]).includes(w.join('_'))) return { field: w.join('_') as ImportField };
  const side = w.map((x) => SIDE_WORDS[x]).find(Boolean) ?? (/^(smtp|imap)/.exec(joined)?.[1] as Side | undefined);
  // "smtphost", "imappass": one word that starts with the side.
  const kinds = w.map((x) => KIND_WORDS[x] ?? KIND_WORDS[x.replace(/^(smtp|imap)/, '')]);
  // "Outgoing server port" is a port, "SMTP user password" a password.
  const kind = KIND_PRIORITY.find((k) => kinds.includes(k));
  if (side && kind) return { field: `${side}_${kind}` as ImportField };
  if (side && !kind && w.length === 1) return { field: `${side}_host` as ImportField }; // a column called just "SMTP"
  if (w.includes('owner') || w.includes('assignee')) return { field: 'owner' };
  // "User Email" is the address; "Username" and "Password" serve both servers.
  if (kind !== 'password' && (w.includes('email') || w.includes('mailbox') || joined === 'from' || joined === 'sender')) return { field: 'email' };
  if (kind === 'password' || kind === 'username') return { both: kind };
  if (w.includes('name')) return { field: 'name' };
  return null;
}

/**
 * Field → header for every field a column was recognised for. A column named for one side
 * wins over a shared "Password" or "Username" column; usernames default to the email column.
 */
export function suggestMapping(headers: string[]): Mapping {
  const mapping: Mapping = {};
  const shared: Partial<Record<Kind, string>> = {};
  for (const header of headers) {
    const g = guess(header);
    if (!g) continue;
    if (g.field) mapping[g.field] ??= header;
    else shared[g.both] ??= header;
  }
  for (const side of ['smtp', 'imap'] as const) {
    for (const kind of ['username', 'password'] as const) {
      const value = shared[kind] ?? (kind === 'username' ? mapping.email : undefined);
      if (value) mapping[`${side}_${kind}`] ??= value;
    }
  }
  return mapping;
}

/** Column names that hold secrets in several languages: their cells are never shown or repeated. */
const SECRET_HEADER = /pass|pwd|\bpw\b|secret|token|credential|kennwort|contrase|senha|wachtwoord|\bkey\b/i;

export const looksSecret = (header: string) => SECRET_HEADER.test(header);

/** The template offered for download: every field as a header, and one example row. */
export function templateCsv(): string {
  const example = ['sales@example.com', 'Sales', '', 'mail.example.com', '465', 'tls', 'sales@example.com', 'app-password', 'mail.example.com', '993', 'tls', 'sales@example.com', 'app-password'];
  return writeCsv([[...IMPORT_FIELDS], example]);
}
