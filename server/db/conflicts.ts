/**
 * Transactions PostgreSQL aborted to break a deadlock (40P01) or a serialization conflict
 * (40001) are run again: instances and concurrent requests write the same few rows (the
 * status sequence, a mailbox and its owner) in orders no single module controls, and
 * PostgreSQL's own advice is to retry. SQLite runs one writer at a time and never needs it.
 *
 * @example
 *   await retryConflicts(() => db.transaction().execute(write)); // done for every transaction on PostgreSQL
 */

const CONFLICTS = new Set(['40P01', '40001']);
/** Tries in all: a third deadlock in a row is a bug to see, not to hide. */
const ATTEMPTS = 3;

export function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICTS.has(code);
}

export async function retryConflicts<T>(run: () => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
      // A short random pause, so the two sides do not meet again at once.
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}
