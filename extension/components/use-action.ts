import { useState } from 'preact/hooks';
import { problemOf } from '../utils/api.ts';

/**
 * A button's work: busy while it runs (so a second click waits), and what went wrong in
 * words when it fails.
 *
 * @example
 *   const { busy, error, run } = useAction();
 *   <button disabled={busy} onClick={() => run(() => api.regrant(id))}>
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(work: () => Promise<unknown>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(problemOf(e).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}
