/**
 * Asks again and again, `everyMs` apart (the first time after one wait), while `ask` answers
 * true and at most `times` times; a failed ask counts as "go on". The function it returns
 * stops it: `ask` sees that in its signal, so an answer arriving late changes nothing.
 *
 * @example
 *   const stop = repeat(async (signal) => {
 *     const view = await api.importStatus(id, { rows: false });
 *     if (!signal.aborted) show(view);
 *     return view.state !== 'finished';
 *   }, 1000);
 */
export function repeat(ask: (signal: AbortSignal) => Promise<boolean>, everyMs: number, times = Infinity): () => void {
  const stopped = new AbortController();
  let timer: ReturnType<typeof setTimeout>;
  let left = times;
  const next = () => {
    timer = setTimeout(async () => {
      left -= 1;
      const again = await ask(stopped.signal).catch(() => true);
      if (again && left > 0 && !stopped.signal.aborted) next();
    }, everyMs);
  };
  next();
  return () => {
    stopped.abort();
    clearTimeout(timer);
  };
}
