/**
 * The named schemas of the OpenAPI document (`#/components/schemas/<name>`): the zod schemas
 * the routes validate their bodies with (shared/schemas.ts, read as the client sends them) and
 * those of their answers (shared/responses.ts, read as the server sends them). An operation may
 * only name schemas listed here, so every shape has one name in the document and the reference.
 *
 * @example REQUEST_SCHEMAS.CreateAccount === createAccountSchema
 */
import type { z } from 'zod';
import * as answers from '../../../shared/responses.ts';
import * as people from '../../../shared/members.ts';
import * as requests from '../../../shared/schemas.ts';

/** Request bodies, by the name the document gives them. */
export const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  ServerSettings: requests.serverSettingsSchema,
  CreateAccount: requests.createAccountSchema,
  UpdateAccount: requests.updateAccountSchema,
  QueueMessage: requests.queueMessageSchema,
  RunImport: requests.runImportSchema,
  ExportAccounts: requests.exportAccountsSchema,
  CreateWebhook: requests.createWebhookSchema,
  UpdateWebhook: requests.updateWebhookSchema,
  Invite: people.inviteSchema,
  RoleChange: people.roleChangeSchema,
};

/** Answers, and the parts several answers share, by the name the document gives them. */
export const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  ApiError: answers.apiErrorBodySchema,
  Reason: answers.reasonSchema,
  Trouble: answers.troubleSchema,
  StatusCounts: answers.statusCountsSchema,
  AccountStatus: answers.accountStatusSchema,
  StatusResponse: answers.statusResponseSchema,
  StatusDelta: answers.statusDeltaSchema,
  StatusAnswer: answers.statusSinceSchema,
  ServerInfo: answers.serverInfoSchema,
  ServerHealth: answers.serverHealthSchema,
  ServerSettingsView: answers.serverSettingsViewSchema,
  AccountView: answers.accountViewSchema,
  AccountList: answers.accountListSchema,
  AccountEvent: answers.accountEventSchema,
  AccountEvents: answers.accountEventsSchema,
  TestEmailView: answers.testEmailViewSchema,
  LoginTestResult: answers.loginTestResultSchema,
  OneTimeLink: answers.oneTimeLinkSchema,
  PendingConnection: answers.pendingConnectionSchema,
  PendingConnectionList: answers.pendingConnectionListSchema,
  ApprovedConnection: answers.approvedConnectionSchema,
  QueuedMessage: answers.queuedMessageSchema,
  MessageView: answers.messageViewSchema,
  ReplyView: answers.replyViewSchema,
  ReplyList: answers.replyListSchema,
  BounceView: answers.bounceViewSchema,
  BounceList: answers.bounceListSchema,
  ImportUpload: answers.importUploadSchema,
  ImportRowView: answers.importRowViewSchema,
  ImportView: answers.importViewSchema,
  ImportList: answers.importListSchema,
  WebhookView: answers.webhookViewSchema,
  WebhookList: answers.webhookListSchema,
  WebhookDeliveryView: answers.webhookDeliveryViewSchema,
  WebhookDeliveries: answers.webhookDeliveriesSchema,
  WebhookTestResult: answers.webhookTestResultSchema,
  Me: people.meSchema,
  MemberView: people.memberViewSchema,
  InviteView: people.inviteViewSchema,
  MemberList: people.memberListSchema,
};
