/**
 * Every label value a Regrant metric may carry, fixed when the server starts: states,
 * providers, check verdicts with their reason codes, kinds of Regrant's own emails, HTTP
 * methods and statuses, and the app's route patterns. A value from outside its set becomes
 * `other` (for a route: `unmatched`), so no address, host a member typed, token or raw path
 * can ever become a series.
 *
 * @example
 *   const outcomes = checkOutcomes(); // [{ verdict: 'ok', reason: 'none' }, { verdict: 'needs_reauth', reason: 'smtp_auth_failed' }, …]
 *   bounded(PROVIDER_LABELS, 'custom'); // 'custom'; bounded(PROVIDER_LABELS, 'evil.test') → 'other'
 */
import { ACCOUNT_STATES, PROVIDERS } from '../../shared/api.ts';
import type { MailKind } from '../db/schema.ts';
import { RULES } from '../health/classify.ts';

export const OTHER = 'other';
export const UNMATCHED_ROUTE = 'unmatched';

export const STATE_LABELS: readonly string[] = ACCOUNT_STATES;
export const PROVIDER_LABELS: readonly string[] = PROVIDERS;
export const MAIL_KIND_LABELS: readonly MailKind[] = ['alert', 'import_report'];
export const MAIL_OUTCOMES = ['sent', 'failed', 'logged'] as const;
export type MailOutcome = (typeof MAIL_OUTCOMES)[number];
export const METHOD_LABELS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const STATUS_LABELS: readonly string[] = ['200', '201', '202', '204', '301', '302', '303', '304', '307', '400', '401', '403', '404', '405', '408', '409', '410', '413', '415', '422', '429', '431', '500', '502', '503', '504'];

/** `value` when it is one of `allowed`, else `other`. */
export function bounded(allowed: readonly string[], value: string): string {
  return allowed.includes(value) ? value : OTHER;
}

/** Outcomes a check can have beyond the classifier's table: its fallback, a refused XOAUTH2 login, a provider this server lacks. */
const EXTRA_OUTCOMES = [
  { verdict: 'transient', reason: 'unknown_error' },
  { verdict: 'needs_reauth', reason: 'xoauth2_rejected' },
  { verdict: 'admin_action', reason: 'provider_not_configured' },
];

export interface CheckOutcome {
  verdict: string;
  reason: string;
}

/** Every verdict and reason code pair a check can end with (each verdict also with `other`). */
export function checkOutcomes(): CheckOutcome[] {
  const pairs = new Map<string, CheckOutcome>([['ok|none', { verdict: 'ok', reason: 'none' }]]);
  for (const o of [...RULES.map((r) => ({ verdict: r.verdict, reason: r.code })), ...EXTRA_OUTCOMES]) pairs.set(`${o.verdict}|${o.reason}`, o);
  for (const verdict of ['needs_reauth', 'admin_action', 'transient']) pairs.set(`${verdict}|${OTHER}`, { verdict, reason: OTHER });
  return [...pairs.values()];
}
