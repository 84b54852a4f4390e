/**
 * The answers of the sign-in and members routes, as zod schemas (the style of responses.ts):
 * `GET /api/me`, `GET /api/members`, an invitation, and `POST /login/token`.
 *
 * @example const { members, invites } = memberListSchema.parse(await res.json());
 */
import { z } from 'zod';

const time = z.iso.datetime();
const role = z.enum(['admin', 'member']);

/** `GET /api/me`: who the token belongs to. */
export const meSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role });
export type Me = z.infer<typeof meSchema>;

/** One person of the workspace, for admins. `lastSeenAt` is to the hour (tokens note their use at most hourly). */
export const memberViewSchema = meSchema.extend({
  lastSeenAt: time.nullable(),
  /** Mailboxes they own. */
  mailboxes: z.number().int().nonnegative(),
  createdAt: time,
});
export type MemberView = z.infer<typeof memberViewSchema>;

/** An open invitation: only this address may use it, until `expiresAt`. */
export const inviteViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role,
  invitedBy: z.string().nullable(),
  createdAt: time,
  expiresAt: time,
});
export type InviteView = z.infer<typeof inviteViewSchema>;

export const memberListSchema = z.object({ members: z.array(memberViewSchema), invites: z.array(inviteViewSchema) });
export type MemberList = z.infer<typeof memberListSchema>;

/** `POST /login/token`: the API token the extension keeps. */
export const signinTokenSchema = z.object({ token: z.string() });
export type SigninToken = z.infer<typeof signinTokenSchema>;

const email = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' }));

/** `POST /api/members`: invite an address with a role. */
export const inviteSchema = z.object({ email, role });
export type InviteInput = z.infer<typeof inviteSchema>;

/** `PATCH /api/members/:id`. */
export const roleChangeSchema = z.object({ role });

/** `POST /login/token`: the extension's one-time code and its PKCE verifier (RFC 7636: 43–128 characters). */
export const tokenRequestSchema = z.object({
  code: z.string().min(1).max(200),
  codeVerifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be the PKCE code verifier: 43 to 128 letters, digits or -._~'),
});
