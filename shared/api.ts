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

/** `GET /api/accounts/:id/events`: one state transition. */
export interface AccountEvent {
  id: string;
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
