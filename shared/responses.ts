/**
 * Every answer of Regrant's HTTP API as a zod schema: the one description of the API's shapes.
 * The types are inferred from them; a server test parses real answers with them, so a field
 * the server adds, drops or makes optional fails a test instead of surprising the extension.
 *
 * Objects are not strict, so a client checking an answer ignores fields added later; the
 * server test compares the parsed answer with the raw one, which catches fields missing here.
 *
 * @example
 *   const status = statusResponseSchema.parse(await res.json()); // StatusResponse
 */
import { z } from 'zod';
import { ACCOUNT_STATES, DELIVERY_STATES, DELIMITERS, ERROR_CODES, IMPORT_FIELDS, IMPORT_ROW_STATUSES, IMPORT_STATES, MESSAGE_STATES, PROVIDERS, SECURITY_MODES, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from './api.ts';

/** Times are ISO 8601 in UTC, as `Date.prototype.toISOString` writes them. */
const time = z.iso.datetime();
const count = z.number().int().nonnegative();

const accountState = z.enum(ACCOUNT_STATES);

/** Why an account is in its state, in words a person understands. */
export const reasonSchema = z.object({
  /** Stable code that logic may branch on, e.g. `smtp_auth_failed`. */
  code: z.string(),
  message: z.string(),
  /** How to fix it. */
  hint: z.string().optional(),
});
export type Reason = z.infer<typeof reasonSchema>;

/** A code and words: why an email or an import row failed. */
const problemSchema = z.object({ code: z.string(), message: z.string() });

/**
 * Trouble the last check ran into without changing the state, in words: "Could not reach the
 * SMTP server smtp.example.com just now (connection refused); still counted as connected; next
 * try in 30 s." `tries` of `of` while it counts towards unreachable ("No answer yet (1 of 3
 * tries)"); `of` is null once the state no longer turns on it.
 */
export const troubleSchema = z.object({
  message: z.string(),
  /** Failed checks in a row. */
  tries: count,
  /** How many make a connected mailbox unreachable (3); null when the state no longer turns on it. */
  of: count.nullable(),
  at: time,
  nextCheckAt: time.nullable(),
});
export type Trouble = z.infer<typeof troubleSchema>;

/**
 * One cause behind broken mailboxes (`GET /api/status`): an operator cause (Regrant's own
 * setting; `setting` names it), or at least 3 mailboxes sharing a reason and a host, domain or
 * provider ("smtp.office365.com refuses SMTP AUTH for 30 mailboxes of acme.test: …").
 * `audience`: who can fix it (`operator`: Regrant's operator; `tenant`: the organisation's
 * admin; `holder`: whoever holds the mailbox).
 */
export const causeSchema = z.object({
  id: z.string(),
  code: z.string(),
  message: z.string(),
  /** Mailboxes it holds, of those the caller sees. */
  count,
  audience: z.enum(['operator', 'tenant', 'holder']),
  hint: z.string().nullable(),
  setting: z.string().optional(),
});
export type Cause = z.infer<typeof causeSchema>;

/** Regrant's own emails are refused by NOTIFY_SMTP_URL's server (admins only): the reply code it gave, when it gave one. */
export const ownEmailsRefusedSchema = z.object({ replyCode: z.string().nullable() });

/** One row of `GET /api/status`. */
export const accountStatusSchema = z.object({
  id: z.string(),
  email: z.string(),
  provider: z.enum(PROVIDERS),
  state: accountState,
  reason: reasonSchema.nullable(),
  lastCheckedAt: time.nullable(),
  /** When it entered its state: "needs re-authentication for 3 h", and one alert per incident. */
  stateChangedAt: time,
  pendingEmails: count,
  /** The last check's trouble that did not change the state; null when the last check said nothing of the kind. */
  trouble: troubleSchema.nullable(),
  /** The mailbox's display name (status answers carry it, for the popup's search). */
  name: z.string().nullable().optional(),
  /** The owner's email address (status answers carry it, for the popup's search). */
  ownerEmail: z.string().optional(),
  /** The cause it shares with others (see `causes`), to group by; absent when it has none. */
  cause: causeSchema.pick({ id: true, code: true, message: true, count: true }).optional(),
});
export type AccountStatus = z.infer<typeof accountStatusSchema>;

export const statusCountsSchema = z.object({ total: count, connected: count, needsReauth: count, unreachable: count });
export type StatusCounts = z.infer<typeof statusCountsSchema>;

/**
 * `GET /api/status` (200; a 304 has no body): every mailbox the caller sees. `version` is what a
 * later poll asks `?since=`; `full` says a delta was asked for and could not be answered.
 */
export const statusResponseSchema = z.object({
  version: count.optional(),
  full: z.literal(true).optional(),
  counts: statusCountsSchema,
  accounts: z.array(accountStatusSchema),
  /** Regrant itself needs its operator: checks are overdue, or its alert emails are refused. */
  serverDegraded: z.boolean().optional(),
  /** Every cause behind the caller's broken mailboxes, largest first. */
  causes: z.array(causeSchema).optional(),
  /** Admins: Regrant cannot send its own emails. */
  ownEmailsRefused: ownEmailsRefusedSchema.optional(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

/** Emails waiting, and when the oldest was queued (null: none waits). */
const waitingSchema = z.object({ waiting: count, oldestAt: time.nullable() });

/** `GET /api/server/health` (admins): Regrant's own health at a glance. */
export const serverHealthSchema = z.object({
  version: z.string(),
  degraded: z.boolean(),
  /** Why it is degraded; empty when it is not. */
  problems: z.array(z.enum(['checks_overdue', 'alert_emails_failing'])),
  checks: z.object({
    intervalSeconds: count,
    /** Mailboxes due more than one interval ago. */
    overdue: count,
    /** Every connected or unreachable mailbox was last checked between these two times; null before the first check. */
    lastCycle: z.object({ startedAt: time, finishedAt: time, seconds: z.number().nonnegative(), mailboxes: count }).nullable(),
  }),
  outbox: waitingSchema,
  alertEmails: waitingSchema.extend({
    /** Waiting after a refused delivery. */
    failing: count,
    /** What the mail server said to the latest refused one. */
    lastError: z.object({ message: z.string(), attempts: count, nextAttemptAt: time }).nullable(),
  }),
});
export type ServerHealth = z.infer<typeof serverHealthSchema>;

/**
 * `GET /api/status?since=VERSION` (200): what changed for the caller since `version` VERSION:
 * mailboxes new or changed (whole, as in the full list) and ids of mailboxes the caller no longer
 * sees (removed, or given to another owner). `counts` are of everything the caller sees now.
 */
export const statusDeltaSchema = z.object({
  version: count,
  counts: statusCountsSchema,
  changed: z.array(accountStatusSchema),
  removed: z.array(z.string()),
  serverDegraded: z.boolean().optional(),
  causes: z.array(causeSchema).optional(),
  ownEmailsRefused: ownEmailsRefusedSchema.optional(),
});
export type StatusDelta = z.infer<typeof statusDeltaSchema>;

/** Either answer of `GET /api/status?since=VERSION`. */
export const statusSinceSchema = z.union([statusDeltaSchema, statusResponseSchema]);

/** SMTP or IMAP settings as the API shows them: never the password itself. */
export const serverSettingsViewSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(SECURITY_MODES),
  username: z.string(),
  hasPassword: z.boolean(),
});
export type ServerSettingsView = z.infer<typeof serverSettingsViewSchema>;

/** `GET /api/accounts/:id`, and the answer of `POST /api/accounts`, `PATCH …/:id` and `POST …/:id/check`. */
export const accountViewSchema = accountStatusSchema.extend({
  name: z.string().nullable(),
  owner: z.object({ id: z.string(), email: z.string() }),
  /** null for Google and Microsoft mailboxes. */
  smtp: serverSettingsViewSchema.nullable(),
  imap: serverSettingsViewSchema.nullable(),
  nextCheckAt: time.nullable(),
  createdAt: time,
  updatedAt: time,
});
export type AccountView = z.infer<typeof accountViewSchema>;

/** `GET /api/accounts` */
export const accountListSchema = z.object({ accounts: z.array(accountViewSchema) });
export type AccountList = z.infer<typeof accountListSchema>;

/**
 * One event of `GET /api/accounts/:id/events`: a state transition (`kind` state), or, with
 * `?include=trouble`, a check that failed without changing the state (`kind` trouble).
 */
export const accountEventSchema = z.object({
  id: z.string(),
  kind: z.enum(['state', 'trouble']),
  at: time,
  from: accountState,
  to: accountState,
  reason: reasonSchema.nullable(),
  /** What the server said, as it said it. */
  detail: z.string().nullable(),
});
export type AccountEvent = z.infer<typeof accountEventSchema>;

/** `GET /api/accounts/:id/events`: newest first; state changes only unless `?include=trouble`. */
export const accountEventsSchema = z.object({ events: z.array(accountEventSchema) });
export type AccountEvents = z.infer<typeof accountEventsSchema>;

/** Every API error has this body; `field` names the request field at fault. */
export const apiErrorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), field: z.string().optional() }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** The test email Test Sending sent, or the recent one Test Receiving looked for. */
export const testEmailViewSchema = z.object({
  messageId: z.string(),
  sentAt: time,
  /** Found in INBOX by Test Receiving; null while nobody has looked. */
  arrivedAt: time.nullable(),
});
export type TestEmailView = z.infer<typeof testEmailViewSchema>;

/** What Test Sending or Test Receiving found, before the mailbox's state is added. */
export const loginTestFindingSchema = z.object({
  ok: z.boolean(),
  /** Why the login or the send was refused (`ok: false`). */
  error: reasonSchema.optional(),
  testEmail: testEmailViewSchema.optional(),
  /** A passing test with something to know, in words: the test email has not arrived yet. */
  notice: z.string().optional(),
});
export type LoginTestFinding = z.infer<typeof loginTestFindingSchema>;

/** `POST /api/accounts/:id/test-sending` and `…/test-receiving`. */
export const loginTestResultSchema = loginTestFindingSchema.extend({
  /** The account's state after the test: both tests passing make it `connected`. */
  state: accountState,
});
export type LoginTestResult = z.infer<typeof loginTestResultSchema>;

/**
 * A one-time address to open in a browser: `POST /api/connect/:provider`,
 * `POST /api/accounts/:id/regrant` and `POST /api/accounts/:id/share-link`.
 */
export const oneTimeLinkSchema = z.object({ url: z.url({ protocol: /^https?$/ }), expiresAt: time });
export type OneTimeLink = z.infer<typeof oneTimeLinkSchema>;

const signInSchema = z.object({
  configured: z.boolean(),
  /** What the administrator must set, when it is not configured. */
  setup: z.string().optional(),
});

/** `GET /api/server`: which sign-ins this server offers. */
export const serverInfoSchema = z.object({
  workspace: z.string(),
  providers: z.object({ google: signInSchema, microsoft: signInSchema }),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** A Google or Microsoft connection held for an admin's decision. */
export const pendingConnectionSchema = z.object({
  id: z.string(),
  provider: z.enum(['google', 'microsoft']),
  email: z.string(),
  requestedBy: z.object({ id: z.string(), email: z.string() }),
  createdAt: time,
  /** The address is a password mailbox already: approving replaces its settings with this grant. */
  replaces: z.object({ id: z.string(), owner: z.string() }).nullable(),
});

/** `GET /api/pending-connections` (admins): oldest first. */
export const pendingConnectionListSchema = z.object({ pending: z.array(pendingConnectionSchema) });
export type PendingConnectionList = z.infer<typeof pendingConnectionListSchema>;

/** `POST /api/pending-connections/:id/approve` (201): the mailbox added or turned into an OAuth one. */
export const approvedConnectionSchema = z.object({ accountId: z.string() });

const messageState = z.enum(MESSAGE_STATES);

/** `POST /api/messages` answers 202 with this. */
export const queuedMessageSchema = z.object({ id: z.string(), state: messageState });
export type QueuedMessage = z.infer<typeof queuedMessageSchema>;

/** `GET /api/messages/:id`: one email of the outbox. */
export const messageViewSchema = queuedMessageSchema.extend({
  accountId: z.string(),
  /** The Message-ID header, fixed when queued and kept across retries. */
  messageId: z.string(),
  to: z.string(),
  subject: z.string(),
  createdAt: time,
  sentAt: time.nullable(),
  attempts: count,
  /** Why it failed (state failed), or the last trouble of a pending one. */
  error: problemSchema.nullable(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

/** A reply to one of the mailbox's sent emails. */
export const replyViewSchema = z.object({
  id: z.string(),
  /** The outbox email replied to. */
  messageId: z.string(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  receivedAt: time,
  /** An out-of-office or other automatic answer, kept apart from people's replies. */
  autoReply: z.boolean(),
});
export type ReplyView = z.infer<typeof replyViewSchema>;

/** `GET /api/accounts/:id/replies` */
export const replyListSchema = z.object({ replies: z.array(replyViewSchema) });
export type ReplyList = z.infer<typeof replyListSchema>;

/** A sent email the receiving side could not deliver. */
export const bounceViewSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  recipient: z.string().nullable(),
  /** Enhanced status code, e.g. `5.1.1`. */
  status: z.string().nullable(),
  action: z.string().nullable(),
  diagnostic: z.string().nullable(),
  receivedAt: time,
});
export type BounceView = z.infer<typeof bounceViewSchema>;

/** `GET /api/accounts/:id/bounces` */
export const bounceListSchema = z.object({ bounces: z.array(bounceViewSchema) });
export type BounceList = z.infer<typeof bounceListSchema>;

/** `POST /api/imports` (201): the file was read; choose the mapping and run it. */
export const importUploadSchema = z.object({
  id: z.string(),
  /** Column names in file order (a blank one is called "Column N"). */
  headers: z.array(z.string()),
  /** Field → header, for each field a header was recognised for. */
  suggestedMapping: z.partialRecord(z.enum(IMPORT_FIELDS), z.string()),
  /** The first rows as header → cell, passwords masked. */
  preview: z.array(z.record(z.string(), z.string())),
  /** Data rows in the file (blank lines not counted). */
  total: count,
  delimiter: z.enum(DELIMITERS),
  expiresAt: time,
});
export type ImportUpload = z.infer<typeof importUploadSchema>;

const importRowStatus = z.enum(IMPORT_ROW_STATUSES);

/** One row's outcome. `error` says why it was skipped or failed. */
export const importRowViewSchema = z.object({
  line: z.number().int().positive(),
  email: z.string(),
  status: importRowStatus,
  error: problemSchema.optional(),
  /** The mailbox's state now (created and updated rows). */
  state: accountState.optional(),
  accountId: z.string().optional(),
});
export type ImportRowView = z.infer<typeof importRowViewSchema>;

/** `GET /api/imports/:id`, and `POST /api/imports/:id/run` (202, without rows). */
export const importViewSchema = z.object({
  id: z.string(),
  state: z.enum(IMPORT_STATES),
  total: count,
  done: count,
  counts: z.record(importRowStatus, count),
  /** null until the import is run. */
  updateExisting: z.boolean().nullable(),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  /** What became of the emailed report: `sent`, `pending` (re-tried), `logged` (no NOTIFY_SMTP_URL). */
  report: z.object({ to: z.string(), state: z.enum(['pending', 'sent', 'logged']) }).nullable(),
  /** Empty with `?rows=0`, in the list and in the answer of a run. */
  rows: z.array(importRowViewSchema),
});
export type ImportView = z.infer<typeof importViewSchema>;

/** `GET /api/imports`: the caller's last 20, newest first, without their rows. */
export const importListSchema = z.object({ imports: z.array(importViewSchema) });
export type ImportList = z.infer<typeof importListSchema>;

/** `GET /healthz` */
export const healthzSchema = z.object({ ok: z.literal(true) });

/** One webhook; `secret` (`whsec_…`) only in the answer that created a `standard` one. */
export const webhookViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  /** Whose it is: a member's hears their own mailboxes, an admin's every mailbox. */
  owner: z.object({ id: z.string(), email: z.string() }),
  createdAt: time,
  secret: z.string().optional(),
});
export type WebhookView = z.infer<typeof webhookViewSchema>;

/** `GET /api/webhooks`: the caller's webhooks (an admin's: everyone's). */
export const webhookListSchema = z.object({ webhooks: z.array(webhookViewSchema) });
export type WebhookList = z.infer<typeof webhookListSchema>;

/** One event sent (or being sent) to a webhook; `attempt`: attempts made so far. */
export const webhookDeliveryViewSchema = z.object({
  id: z.string(),
  event: z.string(),
  attempt: count,
  status: z.enum(DELIVERY_STATES),
  /** The receiver's HTTP status at the last attempt; absent when it did not answer. */
  responseStatus: z.number().int().optional(),
  error: z.string().optional(),
  /** When the last attempt was made (or, before the first, when the event happened). */
  at: time,
  nextAttemptAt: time.optional(),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryViewSchema>;

/** `GET /api/webhooks/:id/deliveries`: the last 100, newest first. */
export const webhookDeliveriesSchema = z.object({ deliveries: z.array(webhookDeliveryViewSchema) });
export type WebhookDeliveries = z.infer<typeof webhookDeliveriesSchema>;

/** `POST /api/webhooks/:id/test`: what the receiver said to a test event sent now. */
export const webhookTestResultSchema = z.object({
  ok: z.boolean(),
  deliveryId: z.string(),
  responseStatus: z.number().int().optional(),
  error: z.string().optional(),
});
export type WebhookTestResult = z.infer<typeof webhookTestResultSchema>;

// Sign-in and members (issue 22): their schemas live in members.ts, checked the same way.
export * from './members.ts';
