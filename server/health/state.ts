/**
 * The account state machine (design §4) as one pure function: given where an account stands
 * and what a check found, say where it goes, whether that is an event, and when to look again.
 *
 * @example decide(account, classification, now, { intervalSeconds: 300 })
 */
import type { AccountState, Reason } from '../../shared/api.ts';
import type { Classification } from './classify.ts';

export const UNREACHABLE_AFTER = 3;
/** Security-check re-tries: this many hourly, then daily. */
export const SLOW_HOURLY_RETRIES = 3;
const HOUR = 3600_000;

export interface Standing {
  state: AccountState;
  transient_failures: number;
  slow_retries: number;
  next_check_at: string | null;
}

export interface Decision {
  state: AccountState;
  /** undefined: keep the current reason. */
  reason: Reason | null | undefined;
  transient_failures: number;
  slow_retries: number;
  next_check_at: string | null;
  /** The state changed: record an event. */
  transition: boolean;
  /** The account newly needs a person: alert once for this incident. */
  opensIncident: boolean;
}

export interface Timing {
  intervalSeconds: number;
  /** A number in [0, 1) to spread checks; Math.random in production. */
  random?: () => number;
}

const reasonOf = (c: Classification): Reason => ({ code: c.code, message: c.message, hint: c.hint });

function at(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}

/** Next regular check: the interval, ±10 % so that checks spread out over time. */
export function nextRegular(now: Date, t: Timing): string {
  const jitter = 0.9 + 0.2 * (t.random ?? Math.random)();
  return at(now, t.intervalSeconds * 1000 * jitter);
}

export function slowRetryDelayMs(retriesSoFar: number): number {
  return retriesSoFar < SLOW_HOURLY_RETRIES ? HOUR : 24 * HOUR;
}

export function decide(current: Standing, found: Classification | null, now: Date, t: Timing): Decision {
  if (!found) {
    return {
      state: 'connected',
      reason: null,
      transient_failures: 0,
      slow_retries: 0,
      next_check_at: nextRegular(now, t),
      transition: current.state !== 'connected',
      opensIncident: false,
    };
  }

  if (found.verdict === 'needs_reauth' || found.verdict === 'admin_action') {
    const wasSlow = current.state === 'needs_reauth' && found.retry === 'slow';
    const slowRetries = wasSlow ? current.slow_retries + 1 : 0;
    return {
      state: 'needs_reauth',
      reason: reasonOf(found),
      transient_failures: 0,
      slow_retries: slowRetries,
      next_check_at:
        found.retry === 'never' ? null : found.retry === 'slow' ? at(now, slowRetryDelayMs(slowRetries)) : nextRegular(now, t),
      transition: current.state !== 'needs_reauth',
      opensIncident: current.state !== 'needs_reauth',
    };
  }

  // Transient trouble never asks anyone to re-authenticate.
  const failures = current.transient_failures + 1;
  if (current.state === 'needs_reauth') {
    // Keep the incident; re-try on the schedule it already had (or not at all).
    const next = current.next_check_at === null ? null : at(now, slowRetryDelayMs(current.slow_retries));
    return { state: 'needs_reauth', reason: undefined, transient_failures: failures, slow_retries: current.slow_retries, next_check_at: next, transition: false, opensIncident: false };
  }
  const unreachable = failures >= UNREACHABLE_AFTER;
  return {
    state: unreachable ? 'unreachable' : current.state,
    reason: unreachable ? reasonOf(found) : undefined,
    transient_failures: failures,
    slow_retries: 0,
    // Confirm trouble sooner than the regular interval, backing off with each failure.
    next_check_at: unreachable ? nextRegular(now, t) : at(now, Math.min(t.intervalSeconds * 1000, failures * 30_000)),
    transition: unreachable && current.state !== 'unreachable',
    opensIncident: false,
  };
}
