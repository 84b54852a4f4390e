import type { Failure, FailureSource } from './errors.ts';

/**
 * One step of a check as a value: null when it succeeded, its failure otherwise. When the
 * check's time runs out it answers at once with the abort reason, so a provider can report
 * what already arrived (an SMTP 535) while another step (a hanging IMAP server) is cut off.
 */
export function settle(source: FailureSource, run: Promise<unknown>, signal: AbortSignal, oauth = false): Promise<Failure | null> {
  const settled = run.then(
    () => null,
    (error: unknown) => ({ source, error, oauth }),
  );
  const aborted = new Promise<Failure>((resolve) => {
    const cut = () => resolve({ source, error: signal.reason, oauth });
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
  });
  return Promise.race([settled, aborted]);
}

/** A check's result from its settled steps. */
export function resultOf(results: Array<Failure | null>) {
  const failures = results.filter((r): r is Failure => r !== null);
  return failures.length ? { ok: false as const, failures } : { ok: true as const };
}
