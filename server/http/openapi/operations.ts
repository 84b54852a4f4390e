/**
 * Every `/api/` route, as the OpenAPI document describes it. A route the app has and this list
 * lacks (or the reverse) fails test/server/openapi.test.ts, so the document cannot drift.
 *
 * To add a route: one entry here (method + Hono pattern, the zod schema its body is validated
 * with, its answers' schemas from shared/responses.ts, its error statuses), and each schema
 * it names listed in components.ts.
 *
 * @example API_OPERATIONS.find((o) => o.route === 'GET /api/status')?.answers[200]
 */
import { z } from 'zod';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../../../shared/import-fields.ts';
import * as answers from '../../../shared/responses.ts';
import * as people from '../../../shared/members.ts';
import * as requests from '../../../shared/schemas.ts';
import type { ApiOperation } from './types.ts';

const MAILBOX_ID = 'The mailbox\'s id (`id` in `/api/status` and `/api/accounts`)';
const NOT_YOURS = 'No such mailbox, or not one of yours';
const IMPORT_ID = 'The id `POST /api/imports` answered';
const csv = { media: 'text/csv', schema: { type: 'string' } };

/** Test Sending and Test Receiving differ only in what they test. */
const loginTest = (part: 'sending' | 'receiving', summary: string): ApiOperation => ({
  route: `POST /api/accounts/:id/test-${part}`,
  id: part === 'sending' ? 'testSending' : 'testReceiving',
  tag: 'Mailboxes',
  summary,
  params: { id: MAILBOX_ID },
  answers: { 200: { description: 'What the test found (`ok: false` with the reason when refused)', json: answers.loginTestResultSchema } },
  errors: { 404: NOT_YOURS, 409: 'Google and Microsoft mailboxes are re-granted, not tested' },
});

const status: ApiOperation[] = [
  {
    route: 'GET /api/status',
    id: 'getStatus',
    tag: 'Status',
    summary: 'Every mailbox you see, with counts by state',
    description:
      'Cheap to poll: send the `ETag` back as `If-None-Match` and an unchanged state answers `304`. With `since` (a `version` of an earlier answer) only what changed since: mailboxes new or changed, and ids of those you no longer see; the full list with `"full": true` when `since` is too old.',
    query: { since: { description: 'A `version` an earlier answer gave', schema: z.string().regex(/^\d{1,15}$/) } },
    answers: {
      200: { description: 'The mailboxes (or what changed since `since`)', json: answers.statusSinceSchema },
      304: { description: 'Nothing changed since the `ETag` sent as `If-None-Match`' },
    },
    errors: { 422: '`since` is not a whole number' },
  },
  {
    route: 'GET /api/server',
    id: 'getServer',
    tag: 'Server',
    summary: 'Which sign-ins this server offers',
    answers: { 200: { description: 'The workspace and its Google and Microsoft sign-ins', json: answers.serverInfoSchema } },
  },
  {
    route: 'GET /api/server/health',
    id: 'getServerHealth',
    tag: 'Server',
    summary: "Regrant's own health (admins)",
    description: 'The last full check cycle, checks overdue, the outbox and Regrant\'s own emails, and what the mail server last said to a refused alert email.',
    answers: { 200: { description: 'The report', json: answers.serverHealthSchema } },
    errors: { 403: 'Only admins see it' },
  },
];

const mailboxes: ApiOperation[] = [
  {
    route: 'GET /api/accounts',
    id: 'listAccounts',
    tag: 'Mailboxes',
    summary: 'Every mailbox you see, with its settings (never a password)',
    answers: { 200: { description: 'The mailboxes', json: answers.accountListSchema } },
  },
  {
    route: 'POST /api/accounts',
    id: 'createAccount',
    tag: 'Mailboxes',
    summary: 'Add a custom SMTP/IMAP mailbox',
    description: 'The same rules as the CSV import: `security` may be `ssl` (= `tls`) or left out (guessed from the port). With `?test=true` both sign-ins are tried first: a failure answers 422 `signin_failed` and saves nothing, passing saves it connected; without it its settings are checked soon after. Admins may name another `owner`.',
    query: { test: { description: '`true`: sign in to both servers before saving', schema: z.enum(['true']) } },
    body: { json: requests.createAccountSchema },
    answers: { 201: { description: 'The new mailbox', json: answers.accountViewSchema } },
    errors: {
      400: 'The body is not JSON',
      403: 'The address is a mailbox you may not have, or `owner` is not yours to give',
      409: 'The mailbox exists already',
      413: 'The body is over 64 KiB',
      422: 'A field is invalid (named in `field`), a host is a private address, or (`?test=true`) a sign-in failed (`signin_failed`, the reason in words)',
      429: 'Past `MAX_MAILBOXES_PER_MEMBER` (`mailbox_limit`, no `Retry-After`), or too many requests',
    },
  },
  {
    route: 'GET /api/accounts/:id',
    id: 'getAccount',
    tag: 'Mailboxes',
    summary: 'One mailbox',
    params: { id: MAILBOX_ID },
    answers: { 200: { description: 'The mailbox', json: answers.accountViewSchema } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'PATCH /api/accounts/:id',
    id: 'updateAccount',
    tag: 'Mailboxes',
    summary: 'Change its name, owner (admins) or any part of its SMTP / IMAP settings',
    description: 'Changing a host, port, security or username needs the password again. A change of `smtp` or `imap` is saved only when that side\'s sign-in passes with it; otherwise 422 `signin_failed` and nothing changes (a connected mailbox stays connected). A PATCH with nothing new writes nothing.',
    params: { id: MAILBOX_ID },
    body: { json: requests.updateAccountSchema },
    answers: { 200: { description: 'The mailbox as it is now', json: answers.accountViewSchema } },
    errors: {
      400: 'The body is not JSON',
      403: '`owner` is not yours to give',
      404: NOT_YOURS,
      413: 'The body is over 64 KiB',
      422: 'A field is invalid (named in `field`): a Google or Microsoft mailbox has no settings, a changed server needs its password again, a host is a private address; or the new settings\' sign-in failed (`signin_failed`)',
      429: 'The new owner is past `MAX_MAILBOXES_PER_MEMBER`, or too many requests',
    },
  },
  {
    route: 'DELETE /api/accounts/:id',
    id: 'deleteAccount',
    tag: 'Mailboxes',
    summary: 'Remove a mailbox',
    description: 'The emails it still held are dropped: `GET /api/messages/:id` answers them `failed` with `error.code` `mailbox_removed`.',
    params: { id: MAILBOX_ID },
    answers: { 204: { description: 'Removed' } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'GET /api/accounts/:id/events',
    id: 'listAccountEvents',
    tag: 'Mailboxes',
    summary: 'Its state changes, newest first',
    params: { id: MAILBOX_ID },
    query: { include: { description: '`trouble` adds the checks that failed without changing the state', schema: z.enum(['trouble']) } },
    answers: { 200: { description: 'The events', json: answers.accountEventsSchema } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'POST /api/accounts/:id/check',
    id: 'checkAccount',
    tag: 'Mailboxes',
    summary: 'Check it now',
    description: 'Answers the mailbox with its new state; `trouble` says what a failed check that changed nothing found.',
    params: { id: MAILBOX_ID },
    answers: { 200: { description: 'The mailbox after the check', json: answers.accountViewSchema } },
    errors: { 404: NOT_YOURS, 409: 'Another check of it is under way' },
  },
  loginTest('sending', 'Test Sending: log in to SMTP and send a test email from the mailbox to itself'),
  loginTest('receiving', 'Test Receiving: log in to IMAP and look for the test email'),
];

const signIns: ApiOperation[] = [
  {
    route: 'POST /api/connect/:provider',
    id: 'connectMailbox',
    tag: 'Sign-ins and share links',
    summary: 'A one-time URL to add a Google or Microsoft mailbox',
    description: 'Opened, it first shows who will manage the mailbox; its button goes on to the consent screen. A member\'s connect of another address waits for an admin.',
    params: { provider: { description: 'Whose sign-in', schema: z.enum(['google', 'microsoft']) } },
    answers: { 200: { description: 'The URL and when it expires', json: answers.oneTimeLinkSchema } },
    errors: { 404: 'No such provider', 503: 'That sign-in is not configured on this server' },
  },
  {
    route: 'POST /api/accounts/:id/regrant',
    id: 'regrantAccount',
    tag: 'Sign-ins and share links',
    summary: 'A one-time re-grant URL (15 minutes) to open in a new tab',
    params: { id: MAILBOX_ID },
    answers: { 200: { description: 'The URL and when it expires', json: answers.oneTimeLinkSchema } },
    errors: { 404: NOT_YOURS, 409: 'Custom mailboxes are fixed with their password, not re-granted', 503: 'That sign-in is not configured on this server' },
  },
  {
    route: 'POST /api/accounts/:id/share-link',
    id: 'createShareLink',
    tag: 'Sign-ins and share links',
    summary: 'A share link for the person who holds the mailbox',
    description: 'A manual link: revokes the previous manual link, never the incident link that alert emails and webhooks carry. Opening it changes nothing (chat apps fetch links for previews); its button starts the re-grant, or for a custom mailbox asks for the new password.',
    params: { id: MAILBOX_ID },
    answers: { 201: { description: 'The link and when it expires', json: answers.oneTimeLinkSchema } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'DELETE /api/accounts/:id/share-link',
    id: 'revokeShareLink',
    tag: 'Sign-ins and share links',
    summary: 'Revoke its share links',
    description: 'Every live link of the mailbox: the manual link and the incident link. A later alert or reminder about a mailbox still broken carries a new incident link.',
    params: { id: MAILBOX_ID },
    answers: { 204: { description: 'Revoked' } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'GET /api/pending-connections',
    id: 'listPendingConnections',
    tag: 'Sign-ins and share links',
    summary: 'Connections waiting for an admin (admins)',
    answers: { 200: { description: 'Oldest first', json: answers.pendingConnectionListSchema } },
    errors: { 403: 'Only admins decide' },
  },
  {
    route: 'POST /api/pending-connections/:id/approve',
    id: 'approvePendingConnection',
    tag: 'Sign-ins and share links',
    summary: 'Approve: the mailbox is added for the member who asked (admins)',
    description: 'A password mailbox at that address becomes a Google/Microsoft one in place, keeping its owner, history and held emails.',
    params: { id: 'The pending connection\'s id' },
    answers: { 201: { description: 'The mailbox added or changed', json: answers.approvedConnectionSchema } },
    errors: { 403: 'Only admins decide', 404: 'No such connection, or decided already', 409: 'The address is connected with OAuth meanwhile', 429: 'Past `MAX_MAILBOXES_PER_MEMBER`, or too many requests', 503: 'That sign-in is no longer configured' },
  },
  {
    route: 'POST /api/pending-connections/:id/refuse',
    id: 'refusePendingConnection',
    tag: 'Sign-ins and share links',
    summary: 'Refuse: nothing attached, the grant revoked at the provider (admins)',
    params: { id: 'The pending connection\'s id' },
    answers: { 204: { description: 'Refused' } },
    errors: { 403: 'Only admins decide', 404: 'No such connection, or decided already' },
  },
];

const emails: ApiOperation[] = [
  {
    route: 'POST /api/messages',
    id: 'queueMessage',
    tag: 'Emails',
    summary: 'Queue an email from one of your mailboxes',
    description: 'It goes at once from a connected mailbox, and waits (counted in `pendingEmails`) for a broken one.',
    body: { json: requests.queueMessageSchema },
    answers: { 202: { description: 'Queued', json: answers.queuedMessageSchema } },
    errors: {
      400: 'The body is not JSON',
      404: NOT_YOURS,
      413: 'The body is over 1 MiB, or the mailbox would hold over 10 MB of emails waiting',
      422: 'A field is invalid (named in `field`)',
      429: 'Past 300 emails a minute (`Retry-After`)',
    },
  },
  {
    route: 'GET /api/messages/:id',
    id: 'getMessage',
    tag: 'Emails',
    summary: 'One queued email and what became of it',
    params: { id: 'The id `POST /api/messages` answered' },
    answers: { 200: { description: 'The email', json: answers.messageViewSchema } },
    errors: { 404: 'No such email among your mailboxes' },
  },
  {
    route: 'GET /api/accounts/:id/replies',
    id: 'listReplies',
    tag: 'Emails',
    summary: 'Replies to its sent emails (out-of-office answers marked `autoReply`)',
    params: { id: MAILBOX_ID },
    answers: { 200: { description: 'The replies', json: answers.replyListSchema } },
    errors: { 404: NOT_YOURS },
  },
  {
    route: 'GET /api/accounts/:id/bounces',
    id: 'listBounces',
    tag: 'Emails',
    summary: 'Bounces of its sent emails',
    params: { id: MAILBOX_ID },
    answers: { 200: { description: 'The bounces', json: answers.bounceListSchema } },
    errors: { 404: NOT_YOURS },
  },
];

const imports: ApiOperation[] = [
  {
    route: 'GET /api/imports/template.csv',
    id: 'importTemplate',
    tag: 'Bulk import',
    summary: 'The bulk CSV template: every field as a header',
    answers: { 200: { description: 'The template', ...csv } },
  },
  {
    route: 'POST /api/accounts/export',
    id: 'exportAccounts',
    tag: 'Bulk import',
    summary: 'The chosen SMTP/IMAP mailboxes as the bulk CSV, passwords left empty',
    description:
      'Every column of the template filled from the saved settings but `smtp_password` and `imap_password`: fill in the new passwords and import the file with `updateExisting: true` to fix them all at once. Cells a spreadsheet would run as a formula start with `\'`, which the import takes off again. Members export their own mailboxes; admins any.',
    body: { json: requests.exportAccountsSchema },
    answers: { 200: { description: 'The file (`Content-Disposition: attachment; filename="regrant-reauth-YYYY-MM-DD.csv"`)', ...csv } },
    errors: {
      400: 'The body is not JSON',
      404: `${NOT_YOURS} (the first such id is named)`,
      409: 'A Google or Microsoft mailbox is among the ids (`wrong_provider`): those are re-granted, not given a password',
      413: 'The body is over 512 KiB',
      422: '`ids` is missing, empty or longer than 10,000',
    },
  },
  {
    route: 'GET /api/imports',
    id: 'listImports',
    tag: 'Bulk import',
    summary: 'Your last 20 imports, newest first, without their rows',
    answers: { 200: { description: 'The imports', json: answers.importListSchema } },
  },
  {
    route: 'POST /api/imports',
    id: 'uploadImport',
    tag: 'Bulk import',
    summary: 'Upload a CSV file of custom mailboxes',
    description:
      'UTF-8 (a BOM is fine), comma, semicolon or tab. The answer has the headers, a suggested mapping and the first rows with passwords masked. One upload waits to run per person: a new one replaces it.',
    body: {
      description: `The CSV file itself, or a multipart form holding it: at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB and ${IMPORT_MAX_ROWS.toLocaleString('en')} rows`,
      media: {
        'text/csv': { type: 'string' },
        'multipart/form-data': { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' } }, required: ['file'] },
      },
    },
    answers: { 201: { description: 'The file was read: choose the mapping and run it', json: answers.importUploadSchema } },
    errors: {
      400: 'The file cannot be read (the line at fault is named), or a multipart form without its boundary',
      413: 'Over 5 MB or 10,000 rows',
      422: 'Two columns with one name, over 100 columns, or a form without a file',
      429: 'Past 30 uploads in 10 minutes (`Retry-After`)',
    },
  },
  {
    route: 'POST /api/imports/:id/run',
    id: 'runImport',
    tag: 'Bulk import',
    summary: 'Run an upload with its mapping',
    params: { id: IMPORT_ID },
    body: { json: requests.runImportSchema },
    answers: { 202: { description: 'Started (rows empty: follow it with `GET /api/imports/{id}`)', json: answers.importViewSchema } },
    errors: {
      400: 'The body is not JSON',
      404: 'No such import of yours',
      409: 'It was started already',
      410: 'The upload expired or was replaced by a newer one',
      413: 'The body is over 256 KiB',
      422: 'A required field is not mapped, a column is unknown, or a field is named twice',
    },
  },
  {
    route: 'GET /api/imports/:id',
    id: 'getImport',
    tag: 'Bulk import',
    summary: 'An import\'s progress and each row\'s outcome',
    params: { id: IMPORT_ID },
    query: { rows: { description: '`0` leaves the rows out', schema: z.enum(['0']) } },
    answers: { 200: { description: 'The import', json: answers.importViewSchema } },
    errors: { 404: 'No such import of yours' },
  },
  {
    route: 'GET /api/imports/:id/report.csv',
    id: 'importReport',
    tag: 'Bulk import',
    summary: 'The per-row report, as emailed (never a password)',
    params: { id: IMPORT_ID },
    answers: { 200: { description: '`line,email,status,mailbox_state,reason_code,reason`, UTF-8 with a BOM', ...csv } },
    errors: { 404: 'No such import of yours' },
  },
];

const WEBHOOK_ID = 'The id `POST /api/webhooks` answered';
const NOT_YOUR_WEBHOOK = 'No such webhook, or not one of yours';

const webhooks: ApiOperation[] = [
  {
    route: 'GET /api/webhooks',
    id: 'listWebhooks',
    tag: 'Webhooks',
    summary: 'Your webhooks (an admin: everyone\'s), never their secrets',
    answers: { 200: { description: 'The webhooks', json: answers.webhookListSchema } },
  },
  {
    route: 'POST /api/webhooks',
    id: 'createWebhook',
    tag: 'Webhooks',
    summary: 'Add a webhook: Standard Webhooks, Slack or Teams',
    description:
      'A `standard` webhook answers its signing `secret` (`whsec_…`) in this answer only. `events` defaults to all of `mailbox.needs_reauth`, `mailbox.unreachable`, `mailbox.reconnected`. A member\'s webhooks hear the mailboxes the member owns, an admin\'s every mailbox.',
    body: { json: requests.createWebhookSchema },
    answers: { 201: { description: 'The webhook (with `secret` for `standard`)', json: answers.webhookViewSchema } },
    errors: { 422: 'An unknown format or event, a URL that is not http(s) or points at an internal address (see `ALLOW_PRIVATE_HOSTS`), or 20 webhooks already' },
  },
  {
    route: 'GET /api/webhooks/:id',
    id: 'getWebhook',
    tag: 'Webhooks',
    summary: 'One webhook',
    params: { id: WEBHOOK_ID },
    answers: { 200: { description: 'The webhook', json: answers.webhookViewSchema } },
    errors: { 404: NOT_YOUR_WEBHOOK },
  },
  {
    route: 'PATCH /api/webhooks/:id',
    id: 'updateWebhook',
    tag: 'Webhooks',
    summary: 'Change a webhook\'s URL or events',
    params: { id: WEBHOOK_ID },
    body: { json: requests.updateWebhookSchema },
    answers: { 200: { description: 'The webhook as it is now', json: answers.webhookViewSchema } },
    errors: { 404: NOT_YOUR_WEBHOOK, 422: 'A field that is not valid (the format cannot change), or a URL refused' },
  },
  {
    route: 'DELETE /api/webhooks/:id',
    id: 'deleteWebhook',
    tag: 'Webhooks',
    summary: 'Remove a webhook and its deliveries',
    params: { id: WEBHOOK_ID },
    answers: { 204: { description: 'Removed' } },
    errors: { 404: NOT_YOUR_WEBHOOK },
  },
  {
    route: 'POST /api/webhooks/:id/test',
    id: 'testWebhook',
    tag: 'Webhooks',
    summary: 'Send a test event now, once',
    params: { id: WEBHOOK_ID },
    answers: { 200: { description: 'What the receiver said (`ok: false` with its answer when refused)', json: answers.webhookTestResultSchema } },
    errors: { 404: NOT_YOUR_WEBHOOK },
  },
  {
    route: 'GET /api/webhooks/:id/deliveries',
    id: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary: 'The last 100 deliveries, newest first',
    params: { id: WEBHOOK_ID },
    answers: { 200: { description: 'The deliveries', json: answers.webhookDeliveriesSchema } },
    errors: { 404: NOT_YOUR_WEBHOOK },
  },
];

const MEMBER_ID = 'A person\'s id (`id` in `GET /api/members`), or an invitation\'s (`inv_…`)';

const members: ApiOperation[] = [
  {
    route: 'GET /api/me',
    id: 'getMe',
    tag: 'Members',
    summary: 'Who this token belongs to',
    answers: { 200: { description: 'The token\'s owner', json: people.meSchema } },
  },
  {
    route: 'POST /api/logout',
    id: 'logout',
    tag: 'Members',
    summary: 'Sign out: revoke the token this request carries',
    description: 'The token answers `401` from the next request on, cached or not.',
    answers: { 204: { description: 'Revoked' } },
  },
  {
    route: 'GET /api/members',
    id: 'listMembers',
    tag: 'Members',
    summary: 'Everyone in the workspace, and the open invitations (admins)',
    description: '`lastSeenAt` is to the hour: a token notes its use at most hourly.',
    answers: { 200: { description: 'The people and invitations', json: people.memberListSchema } },
    errors: { 403: 'Only an admin can manage members' },
  },
  {
    route: 'POST /api/members',
    id: 'inviteMember',
    tag: 'Members',
    summary: 'Invite an address with a role (admins)',
    description: 'For 7 days that address, and only it, may sign in (Google, Microsoft or an emailed code) and joins with the role. A newer invitation of the address replaces an open one.',
    body: { json: people.inviteSchema },
    answers: { 201: { description: 'The invitation', json: people.inviteViewSchema } },
    errors: { 403: 'Only an admin can manage members', 409: 'The address is a member already (`member_exists`)', 422: 'Not an email address, or not a role' },
  },
  {
    route: 'PATCH /api/members/:id',
    id: 'changeMemberRole',
    tag: 'Members',
    summary: 'Change a person\'s role (admins)',
    params: { id: MEMBER_ID },
    body: { json: people.roleChangeSchema },
    answers: { 200: { description: 'The person as they are now', json: people.meSchema } },
    errors: { 403: 'Only an admin can manage members', 404: 'No such person', 409: 'It would leave the workspace without an admin (`last_admin`)', 422: 'Not a role' },
  },
  {
    route: 'DELETE /api/members/:id',
    id: 'removeMember',
    tag: 'Members',
    summary: 'Remove a person, their mailboxes to `owner`; or withdraw an invitation (admins)',
    description: 'Every token of the person stops working at once. Their address cannot come back through `SIGNIN_DOMAINS` until invited again. An invitation\'s id (`inv_…`) withdraws it (no `owner`).',
    params: { id: MEMBER_ID },
    query: { owner: { description: 'The id of the person who takes over the removed person\'s mailboxes', schema: z.string() } },
    answers: { 204: { description: 'Removed' } },
    errors: { 403: 'Only an admin can manage members', 404: 'No such person or open invitation', 409: 'The last admin cannot be removed (`last_admin`)', 422: '`owner` is missing, unknown or the person removed', 429: '`owner` is a member who would own more than `MAX_MAILBOXES_PER_MEMBER` (`mailbox_limit`), or too many requests' },
  },
];

const reference: ApiOperation[] = [
  {
    route: 'GET /api/openapi.json',
    id: 'getOpenApi',
    tag: 'Reference',
    summary: 'This document: OpenAPI 3.1 of every /api/ route',
    public: true,
    answers: { 200: { description: 'The OpenAPI document', media: 'application/json', schema: { type: 'object' } } },
  },
  {
    route: 'GET /api/docs',
    id: 'getDocs',
    tag: 'Reference',
    summary: 'The API reference page, made from this document',
    public: true,
    answers: { 200: { description: 'An HTML page', media: 'text/html', schema: { type: 'string' } } },
  },
];

/** Every `/api/` route, in the order of the reference page's sections. */
export const API_OPERATIONS: ApiOperation[] = [...status, ...mailboxes, ...signIns, ...emails, ...imports, ...webhooks, ...members, ...reference];
