/**
 * The database, as one typed interface. Times are ISO-8601 UTC strings, ids are text:
 * both compare and sort the same way on SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccountState, DeliveryState, MessageState, ProviderKind, Role, Security, WebhookFormat } from '../../shared/api.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** Bumped whenever something this user sees in /api/status changes: the ETag. */
  status_version: Generated<number>;
  /** When a check-time-only change last bumped status_version. */
  status_touched_at: string | null;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  /** When the token last opened a request, to the hour: written at most hourly. */
  last_used_at: Generated<string | null>;
  /** null: never expires; after it the token answers 401. */
  expires_at: Generated<string | null>;
}

export interface AccountsTable {
  id: string;
  email: string;
  name: string | null;
  owner_id: string;
  provider: ProviderKind;
  state: AccountState;
  reason_code: string | null;
  reason_message: string | null;
  reason_hint: string | null;
  state_changed_at: string;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: Security | null;
  smtp_username: string | null;
  smtp_password: string | null;
  imap_host: string | null;
  imap_port: number | null;
  imap_security: Security | null;
  imap_username: string | null;
  imap_password: string | null;
  /** Sealed OAuth refresh token (Google, Microsoft). */
  oauth_refresh_token: string | null;
  transient_failures: Generated<number>;
  /** How many slow re-tries a security-check failure has had (hourly, then daily). */
  slow_retries: Generated<number>;
  last_checked_at: string | null;
  /** null: not checked automatically (dead credentials wait for a person). */
  next_check_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  /** The event that opened the current needs_reauth incident. */
  incident_event_id: string | null;
  /** The last check's trouble that did not change the state, in words; null once a check says otherwise. */
  trouble_message: Generated<string | null>;
  trouble_at: Generated<string | null>;
  /** The status version of the last visible change of this mailbox (see auth/status-version.ts). */
  status_seq: Generated<number>;
  /** When the mailbox first proved itself (a check passed, or an OAuth connect): only then does Regrant email its own address. */
  verified_at: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

/** `state`: the state changed (or was confirmed by a re-grant); `trouble`: a check failed without changing it. */
export type AccountEventKind = 'state' | 'trouble';

export interface AccountEventsTable {
  id: string;
  account_id: string;
  kind: Generated<AccountEventKind>;
  at: string;
  from_state: AccountState;
  to_state: AccountState;
  reason_code: string | null;
  message: string | null;
  hint: string | null;
  detail: string | null;
}

/**
 * A server process (one Regrant), alive while its heartbeat is fresh. Every lease names its
 * owner instance: a lease whose owner has no fresh heartbeat is free at once.
 */
export interface InstancesTable {
  id: string;
  /** Machine and process-id namespace (Linux), null where unknown: with `pid`, a restart on the same machine tells its dead predecessor at once. */
  host: string | null;
  pid: number | null;
  started_at: string;
  heartbeat_at: string;
}

export type MailKind = 'alert' | 'import_report';
/** `grouped`: an alert item waiting for its person's group (never sent itself); `merged`: told in a group email (or left out). */
export type MailState = 'pending' | 'sending' | 'sent' | 'logged' | 'grouped' | 'merged';
/** What an alert item tells: a mailbox lost, or an operator cause resolved. */
export type AlertItemKind = 'lost' | 'resolved';
/** A composed alert: a person's group of items, or a reminder of what stays broken. */
export type DigestKind = 'group' | 'reminder';

/**
 * One email Regrant sends itself (an alert, a reconnection notice, an import report), with
 * what it is about. `sending` rows are leased by an instance; `logged`: NOTIFY_SMTP_URL was unset.
 */
export interface MailQueueTable {
  id: string;
  kind: MailKind;
  recipient: string;
  subject: string;
  text_body: string;
  account_id: string | null;
  /** The event it tells of: one email per event and recipient. */
  event_id: string | null;
  import_id: string | null;
  state: MailState;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** The HTML part, beside `text_body` (composed alerts). */
  html_body: Generated<string | null>;
  /** An alert item waiting for its person's group (state `grouped`). */
  item: Generated<AlertItemKind | null>;
  /** The item's reason code: its cause, and whose job it is. */
  cause_code: Generated<string | null>;
  /** A composed alert email. */
  digest: Generated<DigestKind | null>;
  /** The composed email that told this item (null once merged: left out, fixed before it went). */
  digest_id: Generated<string | null>;
  /** 1: `text_body` and `html_body` are sealed (contexts `mail:<id>:text|html`): the email shows a share link. */
  sealed: Generated<number>;
}

export interface MailAttachmentsTable {
  email_id: string;
  position: number;
  filename: string;
  content_type: string;
  content: string;
}

export interface ShareLinksTable {
  id: string;
  account_id: string;
  /** SHA-256 of the link's token; the token itself is never stored. */
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  used_at: string | null;
  /** `manual`: copied by a person (a new one revokes the last); `incident`: made for the chat messages of one incident. */
  kind: Generated<ShareLinkKind>;
  /** An incident link's token, sealed (context `share-link:<id>`) so every message about the incident can show it; null for manual links. */
  token_sealed: string | null;
}

export type ShareLinkKind = 'manual' | 'incident';

/** A password sent through a custom mailbox's repair link that did not pass: `testing` while its sign-in runs, `wrong` when refused, `refused` when past the allowance (never tried). */
export interface RepairTriesTable {
  id: string;
  account_id: string;
  share_link_id: string;
  at: string;
  outcome: 'testing' | 'wrong' | 'refused';
}

export type OAuthPurpose = 'connect' | 'regrant' | 'share';

/**
 * One sign-in at Google or Microsoft, from the one-time start URL (or the share-link button)
 * to the callback. Only hashes of the start token, the state and the browser cookie are kept;
 * the PKCE verifier is sealed.
 */
export interface OAuthAttemptsTable {
  id: string;
  provider: 'google' | 'microsoft';
  purpose: OAuthPurpose;
  /** The mailbox being re-granted; null when connecting a new one. */
  account_id: string | null;
  /** Who asked: the API user, or the share link's creator. */
  user_id: string | null;
  share_link_id: string | null;
  login_hint: string | null;
  start_token_hash: string | null;
  start_expires_at: string | null;
  state_hash: string | null;
  browser_hash: string | null;
  code_verifier: string | null;
  state_expires_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  outcome: string | null;
}

/** A member's Google/Microsoft connect of an address not their own, held until an admin decides. */
export interface PendingConnectionsTable {
  id: string;
  provider: 'google' | 'microsoft';
  email: string;
  requested_by: string;
  /** Sealed refresh token of the grant, kept only while the connection waits. */
  refresh_token: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision: 'approved' | 'refused' | null;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  accounts: AccountsTable;
  account_events: AccountEventsTable;
  instances: InstancesTable;
  mail_queue: MailQueueTable;
  mail_attachments: MailAttachmentsTable;
  share_links: ShareLinksTable;
  oauth_attempts: OAuthAttemptsTable;
  pending_connections: PendingConnectionsTable;
  outbox_messages: OutboxMessagesTable;
  removed_messages: RemovedMessagesTable;
  inbox_positions: InboxPositionsTable;
  inbox_findings: InboxFindingsTable;
  test_emails: TestEmailsTable;
  imports: ImportsTable;
  import_rows: ImportRowsTable;
  rate_limits: RateLimitsTable;
  status_sequence: StatusSequenceTable;
  status_removals: StatusRemovalsTable;
  periodic_runs: PeriodicRunsTable;
  signin_attempts: SigninAttemptsTable;
  signin_identities: SigninIdentitiesTable;
  member_invites: MemberInvitesTable;
  removed_members: RemovedMembersTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  repair_tries: RepairTriesTable;
}

/** Where a person hears of their mailboxes' state changes (admins: of every mailbox). */
export interface WebhooksTable {
  id: string;
  user_id: string;
  /** Sealed (a Slack or Teams URL is a credential). */
  url: string;
  format: WebhookFormat;
  /** JSON array of event types. */
  events: string;
  /** Sealed signing secret of a `standard` webhook. */
  secret: string | null;
  created_at: string;
  updated_at: string;
}

/** One event for one webhook: its sealed body and where its attempts stand. `sending` rows are leased. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  account_id: string | null;
  event_id: string | null;
  event_type: string;
  body: string;
  state: DeliveryState;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  response_status: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  /** A slack/teams loss held for the webhook's next grouped message: 'waiting', then 'merged'; null for a message to send. */
  grouped: 'waiting' | 'merged' | null;
  /** The grouped message that told this item; null while it waits or when it was left out. */
  group_id: string | null;
}

/** A job the fleet runs once per period (db/periodic.ts): when it may run next, and who ran it last. */
export interface PeriodicRunsTable {
  name: string;
  next_run_at: string;
  ran_by: string | null;
}

/** One row (id 1): the last status version given out, and below which deltas are no longer answered. */
export interface StatusSequenceTable {
  id: number;
  value: number;
  removals_floor: number;
}

/** A mailbox its former owner (and, when removed, the admins) no longer sees, from version `seq` on. */
export interface StatusRemovalsTable {
  account_id: string;
  owner_id: string;
  seq: number;
  at: string;
}

/** One rate-limit window: `key` is the limit's name and whose requests (`share-address:192.0.2.1`). */
export interface RateLimitsTable {
  key: string;
  hits: number;
  /** When the window ends (ISO-8601). */
  reset_at: string;
}

export type OutboxState = MessageState;

/**
 * One email queued to go out from a mailbox. `sending` rows carry a lease: an instance that
 * dies while sending leaves it, and once its heartbeat is stale (or `lease_until` has passed)
 * it goes out again.
 */
export interface OutboxMessagesTable {
  id: string;
  account_id: string;
  created_by: string | null;
  /** The RFC 5322 Message-ID, with angle brackets; fixed when queued, kept across retries. */
  message_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  state: OutboxState;
  attempts: Generated<number>;
  /** A pending email is not tried before this (back-off after trouble). */
  next_attempt_at: string;
  /** The instance sending it. */
  lease_owner: string | null;
  lease_until: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  sent_at: string | null;
}

/** An email of a removed mailbox, without its body: what `GET /api/messages/:id` still answers. */
export interface RemovedMessagesTable {
  id: string;
  account_id: string;
  owner_id: string;
  created_by: string | null;
  message_id: string;
  to_address: string;
  subject: string;
  state: OutboxState;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  sent_at: string | null;
  removed_at: string;
}

export interface InboxPositionsTable {
  account_id: string;
  position: string;
  scanned_at: string;
}

export type FindingKind = 'reply' | 'bounce';

export interface InboxFindingsTable {
  id: string;
  account_id: string;
  outbox_message_id: string;
  kind: FindingKind;
  auto_reply: Generated<number>;
  mail_id: string;
  from_address: string | null;
  subject: string | null;
  recipient: string | null;
  status: string | null;
  action: string | null;
  diagnostic: string | null;
  received_at: string;
  found_at: string;
}

export type ImportState = 'uploaded' | 'running' | 'finished';

/** A bulk CSV import; `sealed_file` is dropped once its run has ended. */
export interface ImportsTable {
  id: string;
  user_id: string;
  state: ImportState;
  delimiter: string;
  /** JSON array of the column names. */
  headers: string;
  total: number;
  sealed_file: string | null;
  /** JSON object field → column name, fixed when the run starts. */
  mapping: string | null;
  update_existing: number | null;
  created_at: string;
  expires_at: string;
  started_at: string | null;
  finished_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

export interface ImportRowsTable {
  import_id: string;
  line: number;
  email: string;
  status: 'created' | 'updated' | 'skipped' | 'failed';
  error_code: string | null;
  error_message: string | null;
  account_id: string | null;
  at: string;
}

/** The last test email of a mailbox (one row per mailbox): Test Sending writes it, Test Receiving looks for it. */
export interface TestEmailsTable {
  account_id: string;
  /** The RFC 5322 Message-ID, with angle brackets. */
  message_id: string;
  sent_at: string;
  /** When Test Receiving found it in INBOX; null until then. */
  arrived_at: string | null;
}

/**
 * One sign-in from the extension's `GET /login` to its token (migration 014). Secrets are kept
 * as hashes; the provider's PKCE verifier is sealed.
 */
export interface SigninAttemptsTable {
  id: string;
  /** The extension's exact redirect URL, and what it sent: its `state` and S256 challenge. */
  redirect_uri: string;
  client_state: string;
  code_challenge: string;
  /** SHA-256 of the sign-in window's cookie: the provider's answer must come back to it. */
  browser_hash: string;
  provider: 'google' | 'microsoft' | 'email' | null;
  provider_state_hash: string | null;
  nonce: string | null;
  provider_verifier: string | null;
  /** The address an emailed code went to. */
  email: string | null;
  email_code_hash: string | null;
  email_code_expires_at: string | null;
  email_code_tries: Generated<number>;
  /** Who signed in; then the one-time code the extension trades for a token. */
  user_id: string | null;
  result_code_hash: string | null;
  result_code_expires_at: string | null;
  result_code_used_at: string | null;
  created_at: string;
  expires_at: string;
}

/** A provider's subject bound to a user: Google `sub`, Microsoft `tid:oid`. */
export interface SigninIdentitiesTable {
  provider: 'google' | 'microsoft';
  subject: string;
  user_id: string;
  created_at: string;
}

export interface MemberInvitesTable {
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  withdrawn_at: string | null;
  accepted_at: string | null;
}

/** An address an admin removed: SIGNIN_DOMAINS does not let it in again until it is invited. */
export interface RemovedMembersTable {
  email: string;
  removed_at: string;
}

export type User = Selectable<UsersTable>;
export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type AccountEventRow = Selectable<AccountEventsTable>;
export type NewAccountEvent = Insertable<AccountEventsTable>;
export type MailRow = Selectable<MailQueueTable>;
export type ShareLinkRow = Selectable<ShareLinksTable>;
export type OAuthAttemptRow = Selectable<OAuthAttemptsTable>;
export type OutboxRow = Selectable<OutboxMessagesTable>;
export type FindingRow = Selectable<InboxFindingsTable>;
export type TestEmailRow = Selectable<TestEmailsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type ImportRowResult = Selectable<ImportRowsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
