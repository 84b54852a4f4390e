/**
 * The shapes of Regrant's HTTP API, shared by the server and the extension so that a
 * renamed field breaks the build rather than the user.
 */

export const ACCOUNT_STATES = ['new', 'connected', 'needs_reauth', 'unreachable'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export const PROVIDERS = ['custom', 'google', 'microsoft'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export type Role = 'admin' | 'member';

/** Why an account is in its state, in words a person understands. */
export interface Reason {
  /** Stable code that logic may branch on, e.g. `smtp_auth_failed`. */
  code: string;
  message: string;
  /** How to fix it. */
  hint?: string;
}

/**
 * Trouble the last check ran into without changing the state: "Could not reach
 * smtp.example.com just now (connection refused); still counted as connected; next try in 30 s."
 * `tries` of `of` while it counts towards unreachable (`of` null once it no longer does).
 */
export interface Trouble {
  message: string;
  /** Failed checks in a row. */
  tries: number;
  /** How many make a connected mailbox unreachable (3); null when the state no longer turns on it. */
  of: number | null;
  at: string;
  nextCheckAt: string | null;
}

/** One row of `GET /api/status`. */
export interface AccountStatus {
  id: string;
  email: string;
  provider: ProviderKind;
  state: AccountState;
  reason: Reason | null;
  lastCheckedAt: string | null;
  /** When it entered its state: "needs re-authentication since …", and one alert per incident. */
  stateChangedAt: string;
  pendingEmails: number;
  /** The last check's trouble that did not change the state; null when the last check said nothing of the kind. */
  trouble: Trouble | null;
}

export interface StatusCounts {
  total: number;
  connected: number;
  needsReauth: number;
  unreachable: number;
}

/** `GET /api/status` */
export interface StatusResponse {
  counts: StatusCounts;
  accounts: AccountStatus[];
}

/** SMTP or IMAP settings as the API shows them: never the password itself. */
export interface ServerSettingsView {
  host: string;
  port: number;
  security: Security;
  username: string;
  hasPassword: boolean;
}

/** `GET /api/accounts/:id` */
export interface AccountView extends AccountStatus {
  name: string | null;
  owner: { id: string; email: string };
  smtp: ServerSettingsView | null;
  imap: ServerSettingsView | null;
  nextCheckAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/accounts/:id/events`: one state transition (`kind` state), or with `?include=trouble` a check that failed without changing the state (`kind` trouble). */
export interface AccountEvent {
  id: string;
  kind: 'state' | 'trouble';
  at: string;
  from: AccountState;
  to: AccountState;
  reason: Reason | null;
  detail: string | null;
}

/** Every API error has this body. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** `POST /api/accounts/:id/test-sending` and `…/test-receiving`. */
export interface LoginTestResult {
  ok: boolean;
  error?: Reason;
  /** The account's state after the test: both tests passing make it `connected`. */
  state?: AccountState;
  /** The test email Test Sending sent, or the recent one Test Receiving looked for. */
  testEmail?: TestEmailView;
  /** A passing test with something to know, in words: the test email has not arrived yet. */
  notice?: string;
}

export const MESSAGE_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** `POST /api/messages` answers 202 with this. */
export interface QueuedMessage {
  id: string;
  state: MessageState;
}

/** `GET /api/messages/:id`: one email of the outbox. */
export interface MessageView extends QueuedMessage {
  accountId: string;
  /** The Message-ID header, fixed when queued and kept across retries. */
  messageId: string;
  to: string;
  subject: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  /** Why it failed (state failed), or the last trouble of a pending one. */
  error: { code: string; message: string } | null;
}

/** `GET /api/accounts/:id/replies`: a reply to one of the mailbox's sent emails. */
export interface ReplyView {
  id: string;
  /** The outbox email replied to. */
  messageId: string;
  from: string | null;
  subject: string | null;
  receivedAt: string;
  /** An out-of-office or other automatic answer, kept apart from people's replies. */
  autoReply: boolean;
}

/** `GET /api/accounts/:id/bounces`: a sent email the receiving side could not deliver. */
export interface BounceView {
  id: string;
  messageId: string;
  recipient: string | null;
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  action: string | null;
  diagnostic: string | null;
  receivedAt: string;
}

/** `POST /api/accounts/:id/test-sending` also sends a test email; `…/test-receiving` looks for it. */
export interface TestEmailView {
  messageId: string;
  sentAt: string;
  /** Found in INBOX by Test Receiving; null while nobody has looked. */
  arrivedAt: string | null;
}

export const IMPORT_ROW_STATUSES = ['created', 'updated', 'skipped', 'failed'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

/** `uploaded`: waiting for its mapping; `running`; `finished`. */
export const IMPORT_STATES = ['uploaded', 'running', 'finished'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** `POST /api/imports`: the file was read; choose the mapping and run it. */
export interface ImportUpload {
  id: string;
  /** Column names in file order (a blank one is called "Column N"). */
  headers: string[];
  /** Field → header, for each field a header was recognised for. */
  suggestedMapping: Partial<Record<ImportField, string>>;
  /** The first rows as header → cell, passwords masked. */
  preview: Record<string, string>[];
  /** Data rows in the file (blank lines not counted). */
  total: number;
  delimiter: ',' | ';' | '\t';
  expiresAt: string;
}

/** One row's outcome. `error` says why it was skipped or failed. */
export interface ImportRowView {
  line: number;
  email: string;
  status: ImportRowStatus;
  error?: { code: string; message: string };
  /** The mailbox's state now (created and updated rows). */
  state?: AccountState;
  accountId?: string;
}

/** `GET /api/imports/:id` */
export interface ImportView {
  id: string;
  state: ImportState;
  total: number;
  done: number;
  counts: Record<ImportRowStatus, number>;
  updateExisting: boolean | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** What became of the emailed report: `sent`, `pending` (re-tried), `logged` (no NOTIFY_SMTP_URL). */
  report: { to: string; state: 'pending' | 'sent' | 'logged' } | null;
  rows: ImportRowView[];
}

/** The fields of the bulk CSV (design §8), in template order. */
export const IMPORT_FIELDS = [
  'email',
  'name',
  'owner',
  'smtp_host',
  'smtp_port',
  'smtp_security',
  'smtp_username',
  'smtp_password',
  'imap_host',
  'imap_port',
  'imap_security',
  'imap_username',
  'imap_password',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
