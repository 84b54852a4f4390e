/**
 * The words of Regrant's HTTP API (states, providers, error codes, labels) and the types of
 * its answers, shared by the server and the extension so that a renamed field breaks the
 * build rather than the user.
 *
 * @example
 *   import { MAILBOX_KIND_LABEL, type AccountStatus } from '../../shared/api.ts';
 *   MAILBOX_KIND_LABEL[account.provider]; // 'Gmail'
 */

export const ACCOUNT_STATES = ['new', 'connected', 'needs_reauth', 'unreachable'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export const PROVIDERS = ['custom', 'google', 'microsoft'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export type Role = 'admin' | 'member';

/** The Google and Microsoft mailboxes, which are re-granted rather than given a password. */
export type OAuthProviderKind = Exclude<ProviderKind, 'custom'>;

/** What people call each kind of mailbox, in lists: "Gmail", "Outlook", "SMTP/IMAP". */
export const MAILBOX_KIND_LABEL: Record<ProviderKind, string> = { google: 'Gmail', microsoft: 'Outlook', custom: 'SMTP/IMAP' };

/** Whose sign-in a Google or Microsoft mailbox uses: "Continue with Google". */
export const SIGN_IN_LABEL: Record<OAuthProviderKind, string> = { google: 'Google', microsoft: 'Microsoft' };

/**
 * Every code an API error can carry, in `{"error":{"code","message","field?"}}`. Logic
 * branches on the code; the message is for people.
 */
export const ERROR_CODES = [
  'invalid_input',
  /** New SMTP or IMAP settings whose sign-in test failed or could not reach the server: nothing was saved. */
  'signin_failed',
  'invalid_json',
  'invalid_csv',
  'import_expired',
  'import_started',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'account_exists',
  'mailbox_limit',
  'check_in_progress',
  'wrong_provider',
  'provider_not_configured',
  'rate_limited',
  'bad_request',
  'request_timeout',
  'headers_too_large',
  'internal_error',
  'member_exists',
  'last_admin',
  'invalid_grant',
  'database_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const MESSAGE_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const IMPORT_ROW_STATUSES = ['created', 'updated', 'skipped', 'failed'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

/** `uploaded`: waiting for its mapping; `running`; `finished`. */
export const IMPORT_STATES = ['uploaded', 'running', 'finished'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** The separators a bulk CSV may use, found from its header line. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a webhook's messages are written: Standard Webhooks (signed JSON), a Slack message, a Teams Adaptive Card. */
export const WEBHOOK_FORMATS = ['standard', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** What a webhook can hear; a webhook created without `events` hears all of them. */
export const WEBHOOK_EVENTS = ['mailbox.needs_reauth', 'mailbox.unreachable', 'mailbox.reconnected'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where one delivery stands: `pending` (first try or a re-try to come), `sending`, `delivered` (a 2xx), `failed` (given up). */
export const DELIVERY_STATES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

// The answers' shapes are zod schemas in responses.ts; their types are re-exported here so that
// code needing only the constants above (the popup, the background) does not bundle zod.
export type {
  AccountEvent,
  AccountEvents,
  AccountList,
  AccountStatus,
  AccountView,
  ApiErrorBody,
  Cause,
  BounceList,
  BounceView,
  ImportList,
  ImportRowView,
  ImportUpload,
  ImportView,
  LoginTestFinding,
  LoginTestResult,
  MessageView,
  OneTimeLink,
  QueuedMessage,
  Reason,
  ReplyList,
  ReplyView,
  ServerHealth,
  ServerInfo,
  ServerSettingsView,
  StatusCounts,
  StatusDelta,
  StatusResponse,
  TestEmailView,
  Trouble,
  WebhookDeliveries,
  WebhookDeliveryView,
  WebhookList,
  WebhookTestResult,
  WebhookView,
} from './responses.ts';

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
