/**
 * Validation of what people type into Regrant: used by the API and by the extension's forms,
 * so both say the same thing about the same mistake.
 */
import { z } from 'zod';
import { SECURITY_MODES, WEBHOOK_EVENTS, WEBHOOK_FORMATS, type Security } from './api.ts';
import { IMPORT_MAX_ROWS } from './import-fields.ts';

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

const PORT_PROBLEM = 'must be a whole number from 1 to 65535';
/** 1 to 65535 written in digits, without leading zeros: a pattern, so the OpenAPI document says it too. */
const PORT_TEXT = /^(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})$/;

/** A port: a whole number, or text of digits (a CSV cell, a form field): "1e3" and "0x19" are not ports. */
export const portSchema = z
  .union(
    [z.number().int({ error: PORT_PROBLEM }).min(1, { error: PORT_PROBLEM }).max(65535, { error: PORT_PROBLEM }), z.string().regex(PORT_TEXT, { error: PORT_PROBLEM })],
    { error: PORT_PROBLEM },
  )
  .transform(Number);

/** The words people use for each security mode, in any case: "ssl" (and "SSL/TLS", "implicit") is TLS from the start. */
export const SECURITY_WORDS: Record<string, Security> = { tls: 'tls', ssl: 'tls', 'ssl/tls': 'tls', implicit: 'tls', starttls: 'starttls', none: 'none', plain: 'none' };

const SECURITY_PROBLEM = 'must be one of tls (also written ssl), starttls, none';
// Case-insensitive as a plain pattern ("[sS][sS][lL]"), which JSON Schema can state as well.
const anyCase = (word: string) => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
const SECURITY_TEXT = new RegExp(`^(?:${Object.keys(SECURITY_WORDS).map(anyCase).join('|')})$`);

export const securitySchema = z
  .string({ error: SECURITY_PROBLEM })
  .regex(SECURITY_TEXT, { error: SECURITY_PROBLEM })
  .transform((s) => SECURITY_WORDS[s.toLowerCase()]);

/** The ports where TLS starts at once; any other port gets STARTTLS when the security is left out. */
export const IMPLICIT_TLS_PORT = { smtp: 465, imap: 993 } as const;

/** The security of a server whose security was left out, guessed from its port. */
export const guessSecurity = (side: 'smtp' | 'imap', port: number): Security => (port === IMPLICIT_TLS_PORT[side] ? 'tls' : 'starttls');

// Host names are case-insensitive: one spelling, so the same server is the same settings.
const hostSchema = text().toLowerCase().regex(/^\S+$/, { error: 'must be a host name, without spaces' });

const settingsFields = {
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  username: text(),
  password: z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).min(1, { error: 'must not be empty' }).max(1024, { error: 'must be at most 1024 characters' }),
};

/** Complete settings with their security named. */
export const serverSettingsSchema = z.strictObject(settingsFields);
export type ServerSettingsInput = z.infer<typeof serverSettingsSchema>;

/**
 * The settings of one side of a new mailbox, as the API, the forms and the CSV import take
 * them: the security may be left out (guessed from the port) or written "ssl".
 */
export const sideSettingsSchema = (side: 'smtp' | 'imap') =>
  z.strictObject({ ...settingsFields, security: securitySchema.optional() }).transform((s): ServerSettingsInput => ({ ...s, security: s.security ?? guessSecurity(side, s.port) }));

/** A change of one side's settings: any of the fields (the saved values fill in the rest). */
export const settingsChangeSchema = z.strictObject(settingsFields).partial();

const OAUTH_HOSTS = /(^|\.)(gmail\.com|googlemail\.com|google\.com|office365\.com|outlook\.com|hotmail\.com|live\.com)$/i;
const OAUTH_DOMAINS = /@(gmail\.com|googlemail\.com|outlook\.com|hotmail\.com|live\.com)$/i;

/**
 * Whose sign-in a mailbox needs when its address or servers are Google's or Microsoft's:
 * those are connected with "Connect Gmail/Outlook", never with a password.
 */
export function oauthMailboxOf(email: string, hosts: string[]): { provider: 'google' | 'microsoft'; host: string | null } | null {
  const host = hosts.find((h) => OAUTH_HOSTS.test(h)) ?? null;
  if (!host && !OAUTH_DOMAINS.test(email)) return null;
  return { provider: /google|gmail/i.test(host ?? email) ? 'google' : 'microsoft', host };
}

export const createAccountSchema = z
  .strictObject({
    email: emailSchema,
    name: text(200).optional(),
    owner: emailSchema.optional(),
    smtp: sideSettingsSchema('smtp'),
    imap: sideSettingsSchema('imap'),
  })
  .superRefine((input, ctx) => {
    const oauth = oauthMailboxOf(input.email, [input.smtp.host, input.imap.host]);
    if (!oauth) return;
    const who = oauth.provider === 'google' ? 'Gmail' : 'Outlook';
    ctx.addIssue({ code: 'custom', path: oauth.host ? [oauth.host === input.smtp.host ? 'smtp' : 'imap', 'host'] : ['email'], message: `is a ${who} mailbox${oauth.host ? ` (${oauth.host})` : ''}: connect it with "Connect ${who}", not with a password` });
  });
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  name: text(200).nullable().optional(),
  owner: emailSchema.optional(),
  smtp: settingsChangeSchema.optional(),
  imap: settingsChangeSchema.optional(),
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

/** `POST /api/accounts/export`: the SMTP/IMAP mailboxes to write as the bulk CSV, passwords left empty. */
export const exportAccountsSchema = z.strictObject({
  ids: z
    .array(text(64), { error: (i) => (i.input === undefined ? 'is required' : 'must be a list of mailbox ids') })
    .min(1, { error: 'must name at least one mailbox' })
    .max(IMPORT_MAX_ROWS, { error: `must name at most ${IMPORT_MAX_ROWS.toLocaleString('en-US')} mailboxes (one import file)` }),
});
export type ExportAccountsInput = z.infer<typeof exportAccountsSchema>;

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
