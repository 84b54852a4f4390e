import { useState } from 'preact/hooks';
import { problemOf } from '../utils/api.ts';

/**
 * A button's work: busy while it runs (so a second click waits), then what went wrong in
 * words, or the sentence the work answered when it went well.
 *
 * @example
 *   const { busy, error, done, run } = useAction();
 *   <button disabled={busy} onClick={() => run(() => copyLink(account))}>Copy link</button>
 *   <p role="status">{error ?? done}</p>
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(work: () => Promise<string | void>): Promise<void> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone((await work()) || null);
    } catch (e) {
      setError(problemOf(e).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run };
}
