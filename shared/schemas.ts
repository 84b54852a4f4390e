/**
 * Validation of what people type into Regrant: used by the API and by the extension's forms,
 * so both say the same thing about the same mistake.
 */
import { z } from 'zod';
import { SECURITY_MODES, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from './api.ts';

const text = (max = 255) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

export const emailSchema = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be a valid email address' }));

export const portSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 65535' })
  .max(65535, { error: 'must be between 1 and 65535' });

export const securitySchema = z.enum(SECURITY_MODES, {
  error: `must be one of ${SECURITY_MODES.join(', ')}`,
});

export const serverSettingsSchema = z.strictObject({
  // Host names are case-insensitive: one spelling, so the same server is the same settings.
  host: text().toLowerCase(),
  port: portSchema,
  security: securitySchema,
  username: text(),
  password: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).min(1, { error: 'must not be empty' }).max(1024),
});
export type ServerSettingsInput = z.infer<typeof serverSettingsSchema>;

export const createAccountSchema = z.strictObject({
  email: emailSchema,
  name: text(200).optional(),
  owner: emailSchema.optional(),
  smtp: serverSettingsSchema,
  imap: serverSettingsSchema,
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  name: text(200).nullable().optional(),
  owner: emailSchema.optional(),
  smtp: serverSettingsSchema.partial().optional(),
  imap: serverSettingsSchema.partial().optional(),
});
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

/**
 * The first problem of a failed parse, as `{field, message, reason}` with a dotted field path:
 * `message` names the field for an API answer ("port: must be between 1 and 65535"), `reason`
 * does not, for a form that shows its own label before it ("Port must be between…").
 */
export function firstIssue(error: z.ZodError): { field: string; message: string; reason: string } {
  const issue = error.issues[0];
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = field ? `${field}.` : '';
    return { field: `${where}${issue.keys[0]}`, message: `${where}${issue.keys[0]} is not a known field`, reason: 'is not a known field' };
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
    message = /received undefined/.test(message) ? 'is required' : `must be ${/expected (\w+)/.exec(message)?.[1] === 'object' ? 'an object' : `a ${issue.expected}`}`;
  }
  return { field, message: field ? `${field}: ${message}` : `the body ${message}`, reason: message };
}

/** `POST /api/messages`: an email to queue from one of the caller's mailboxes. */
export const queueMessageSchema = z.strictObject({
  accountId: text(64),
  to: emailSchema,
  subject: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).max(998, { error: 'must be at most 998 characters' }),
  text: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).max(512 * 1024, { error: 'must be at most 512 KiB' }),
  html: z.string({ error: 'must be text' }).max(512 * 1024, { error: 'must be at most 512 KiB' }).optional(),
});
export type QueueMessageInput = z.infer<typeof queueMessageSchema>;

/** `POST /api/imports/:id/run`: the mapping is checked against the file by the server. */
export const runImportSchema = z.strictObject({
  mapping: z.record(z.string(), z.union([z.string(), z.null()], { error: 'each value must be a column name or null' }), { error: (i) => (i.input === undefined ? 'is required' : 'must be an object of field → column name') }),
  updateExisting: z.boolean({ error: 'must be true or false' }).optional(),
});

const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `each must be one of ${WEBHOOK_EVENTS.join(', ')}` }), { error: 'must be a list of event names' })
  .min(1, { error: `must name at least one of ${WEBHOOK_EVENTS.join(', ')}` });

/** `POST /api/webhooks`; the URL itself (scheme, host) is judged by the server. */
export const createWebhookSchema = z.strictObject({
  url: text(2048),
  format: z.enum(WEBHOOK_FORMATS, { error: `must be one of ${WEBHOOK_FORMATS.join(', ')}` }),
  events: webhookEventsSchema.optional(),
});
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

/** `PATCH /api/webhooks/:id`: a new URL or other events (the format stays: remove and add instead). */
export const updateWebhookSchema = z.strictObject({
  url: text(2048).optional(),
  events: webhookEventsSchema.optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
