/**
 * Who is in the demo: two people and a dozen mailboxes of all three kinds, each with the
 * state the seed leaves it in and how it got there.
 *
 * @example for (const m of CAST) if (m.provider === 'custom') passwords[m.email] = m.password;
 */
import type { ProviderKind } from '../shared/api.ts';

export const ADMIN = 'admin@acme.test';
export const MEMBER = 'sam@acme.test';

/** How the seed leaves a mailbox, and through which real failure. */
export type Condition =
  | 'connected'
  /** Google: the grant was revoked (removed at myaccount.google.com, or a password change). */
  | 'grant_revoked'
  /** Microsoft: the password was changed, so Entra revoked the refresh tokens (AADSTS50173). */
  | 'password_changed'
  /** Microsoft: a new sign-in with multi-factor authentication is required (AADSTS50076). */
  | 'mfa_required'
  /** Custom: Regrant holds an old password; the mail servers refuse it. */
  | 'wrong_password'
  /** Custom: its mail server refuses connections (3 failed checks in a row). */
  | 'server_down'
  /** Custom: its mail server accepts connections and never answers: no verdict yet. */
  | 'not_checked';

export interface DemoMailbox {
  email: string;
  provider: ProviderKind;
  owner: 'admin' | 'member';
  seeded: Condition;
  /** Emails queued for it during the seed: held while it is broken. */
  pending?: number;
  /** Custom mailboxes: the password the mail servers accept. */
  password?: string;
}

export const CAST: DemoMailbox[] = [
  { email: 'sales@acme.test', provider: 'google', owner: 'admin', seeded: 'connected' },
  { email: 'recruiting@acme.test', provider: 'google', owner: 'admin', seeded: 'connected' },
  { email: 'mia@acme.test', provider: 'google', owner: 'member', seeded: 'grant_revoked', pending: 2 },
  { email: 'leo@acme.test', provider: 'microsoft', owner: 'admin', seeded: 'connected' },
  { email: 'events@acme.test', provider: 'microsoft', owner: 'member', seeded: 'connected' },
  { email: 'support@acme.test', provider: 'microsoft', owner: 'admin', seeded: 'password_changed', pending: 1 },
  { email: 'ana@acme.test', provider: 'microsoft', owner: 'member', seeded: 'mfa_required' },
  { email: 'ops@acme.test', provider: 'custom', owner: 'admin', seeded: 'connected', password: 'ops-pass-1' },
  { email: 'billing@acme.test', provider: 'custom', owner: 'member', seeded: 'connected', password: 'billing-pass-1' },
  { email: 'hello@acme.test', provider: 'custom', owner: 'admin', seeded: 'wrong_password', pending: 3, password: 'hello-pass-2' },
  { email: 'legacy@oldhost.test', provider: 'custom', owner: 'admin', seeded: 'server_down', password: 'legacy-pass-1' },
  { email: 'news@acme.test', provider: 'custom', owner: 'admin', seeded: 'not_checked', password: 'news-pass-1' },
];

/** Mailboxes that need a real IMAP server (Dovecot): Outlook's XOAUTH2 and custom logins that must work. */
export function needsImap(m: DemoMailbox): boolean {
  return m.provider === 'microsoft' || (m.provider === 'custom' && m.seeded !== 'server_down' && m.seeded !== 'not_checked');
}
