/**
 * Everything a sign-in can end with, as values: the pages render them, the tests assert them.
 */
import type { StartFailure, TakeFailure } from './attempts.ts';
import type { LinkFailure } from './share-links.ts';

export type Outcome =
  | { kind: 'reconnected'; email: string; provider: string }
  | { kind: 'connected'; email: string; provider: string }
  | { kind: 'wrong_mailbox'; expected: string; got: string; provider: string; retryUrl: string }
  | { kind: 'mailbox_refused'; email: string; provider: string; message: string; retryUrl: string }
  | { kind: 'denied'; provider: string; retryUrl: string }
  | { kind: 'scopes_missing'; provider: string; missing: string[]; retryUrl: string }
  | { kind: 'state_invalid'; why: TakeFailure }
  | { kind: 'start_invalid'; why: StartFailure }
  | { kind: 'link_invalid'; why: LinkFailure; creatorEmail: string | null; connectedEmail?: string }
  | { kind: 'provider_error'; provider: string; message: string; retryUrl: string | null }
  | { kind: 'not_configured'; provider: string }
  | { kind: 'account_exists'; email: string }
  /** A member's connect of an address not their own: held until an admin approves. */
  | { kind: 'connect_held'; email: string; provider: string; requester: string }
  /** An admin's connect of an address Regrant holds as a password mailbox: held until they approve the replacement. */
  | { kind: 'replace_held'; email: string; provider: string; owner: string }
  /** The member owns MAX_MAILBOXES_PER_MEMBER mailboxes already. */
  | { kind: 'mailbox_limit'; message: string }
  | { kind: 'rate_limited' }
  | { kind: 'unexpected' };

/** The HTTP status each outcome is answered with. */
export const OUTCOME_STATUS: Record<Outcome['kind'], 200 | 202 | 400 | 403 | 409 | 410 | 422 | 429 | 500 | 502 | 503> = {
  reconnected: 200,
  connected: 200,
  wrong_mailbox: 409,
  mailbox_refused: 409,
  denied: 200,
  scopes_missing: 200,
  state_invalid: 400,
  start_invalid: 410,
  link_invalid: 410,
  provider_error: 502,
  not_configured: 503,
  account_exists: 409,
  connect_held: 202,
  replace_held: 202,
  mailbox_limit: 429,
  rate_limited: 429,
  unexpected: 500,
};
