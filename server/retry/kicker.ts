/**
 * The run loop of a database-backed queue: `kick()` runs the work now, or once more right
 * after the run under way (never two at once); `every(ms)` also runs it on a timer, for
 * re-tries whose back-off ended and work another instance left; `stop()` ends the timer and
 * waits for the run under way.
 *
 * @example
 *   const loop = createKicker(dispatchDue, (error) => logger.error('mail.dispatch_failed', { error }));
 *   const stop = loop.every(15_000);
 *   await loop.kick(); // after queueing something
 */
export function createKicker(work: () => Promise<void>, onError: (error: unknown) => void) {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await work().catch(onError);
        } while (again);
      } finally {
        // In the same step as the last look at `again`: a kick after it starts a new run
        // (a `.finally` callback runs a step later, and a kick in between was lost).
        running = null;
      }
    })();
    return running;
  }

  function clear(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return {
    kick,
    /** Kicks now and every `ms` (the timer does not keep the process alive); answers a function that ends the timer. */
    every(ms: number): () => void {
      timer ??= setInterval(() => void kick(), ms);
      timer.unref();
      void kick();
      return clear;
    },
    async stop(): Promise<void> {
      clear();
      await running;
    },
  };
}
