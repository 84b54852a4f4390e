/**
 * How long to wait before trying again after passing trouble, for every queue of Regrant
 * (the outbox and the queue of Regrant's own emails): one schedule of steps per queue, the
 * last step repeating for as long as it takes.
 *
 * @example
 *   ownEmailRetryMs(1); // 30_000: the first re-try of an alert comes after 30 s
 *   outboxRetryMs(9);   // 3_600_000: hourly once the steps are used up
 */

/** A schedule: the wait after the n-th failed attempt (n from 1); the last step repeats. */
export function backoff(...steps: [number, ...number[]]): (attempts: number) => number {
  return (attempts) => steps[Math.min(Math.max(attempts, 1), steps.length) - 1];
}

/** Emails Regrant sends itself (alerts, notices, import reports): 30 s, 2 min, 10 min, then hourly. */
export const ownEmailRetryMs = backoff(30_000, 120_000, 600_000, 3_600_000);

/** A mailbox's queued emails: 30 s, 2 min, 10 min, 30 min, then hourly. */
export const outboxRetryMs = backoff(30_000, 120_000, 600_000, 1_800_000, 3_600_000);

/**
 * Webhook deliveries: 5 s, 30 s, 2 min, 10 min, 1 h, 6 h after the failed attempts, then given
 * up (WEBHOOK_ATTEMPTS in all): a receiver down for a day is told by the deliveries list.
 */
export const webhookRetryMs = backoff(5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000);
export const WEBHOOK_ATTEMPTS = 7;
