/**
 * A time limit on a whole provider call (a check, a send, an inbox scan), over each network
 * step's own timeout: at the deadline the call's signal is aborted, so the provider answers
 * at once with what it knows, and a call that ignores the abort is cut off after a grace. A
 * stalled provider never holds a queue, a sweep or a shutdown for ever.
 *
 * @example
 *   const controller = new AbortController();
 *   await withDeadline(30_000, controller, () => provider.check(mailbox, { signal: controller.signal, timeoutMs }));
 */
import { CheckTimeoutError } from './errors.ts';

/** A provider that ignores the abort is cut off this long after it. */
export const ABORT_GRACE_MS = 2000;

/**
 * Runs `run` until it settles; aborts `controller` after `ms` (with a CheckTimeoutError), and
 * rejects with the abort's reason `graceMs` after any abort (the deadline's, or the owner's,
 * such as a shutdown) if `run` has not settled by then.
 */
export async function withDeadline<T>(ms: number, controller: AbortController, run: () => Promise<T>, graceMs = ABORT_GRACE_MS): Promise<T> {
  const { signal } = controller;
  let grace: NodeJS.Timeout | undefined;
  let giveUp = () => {};
  const cutOff = new Promise<never>((_, reject) => {
    giveUp = () => {
      grace ??= setTimeout(() => reject(signal.reason), graceMs);
    };
  });
  signal.addEventListener('abort', giveUp, { once: true });
  if (signal.aborted) giveUp();
  const timer = setTimeout(() => controller.abort(new CheckTimeoutError(Math.ceil(ms / 1000))), ms);
  try {
    return await Promise.race([run(), cutOff]);
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    signal.removeEventListener('abort', giveUp);
  }
}
