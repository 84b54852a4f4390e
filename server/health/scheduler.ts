/**
 * Runs the health checks: every tick it claims as many due accounts as there are free slots
 * (at most CHECK_CONCURRENCY checks at once) and starts them. Each account's next check
 * carries its own jitter (state.ts), so a cycle spreads out instead of arriving in a burst.
 *
 * @example const stop = startScheduler(health, { concurrency: 50 });
 */
import type { Logger } from '../log/index.ts';
import type { Health } from './check.ts';

export interface SchedulerOptions {
  concurrency: number;
  tickMs?: number;
  logger: Logger;
}

export function startScheduler(health: Health, { concurrency, tickMs = 1000, logger }: SchedulerOptions) {
  let running = 0;
  let stopped = false;
  let claiming: Promise<void> | null = null;
  const inFlight = new Set<Promise<unknown>>();

  function tick(): Promise<void> {
    if (stopped || claiming || running >= concurrency) return claiming ?? Promise.resolve();
    claiming = claimAndStart().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  async function claimAndStart(): Promise<void> {
    try {
      const rows = await health.claimDue(concurrency - running);
      if (stopped) {
        // stop() came while we were claiming: hand the leases back instead of starting.
        await Promise.all(rows.map((row) => health.release(row)));
        return;
      }
      for (const row of rows) {
        running++;
        const job = health.runClaimed(row).finally(() => {
          running--;
          inFlight.delete(job);
          // A slot opened: there may be more due work right now.
          void tick();
        });
        inFlight.add(job);
      }
    } catch (error) {
      logger.error('scheduler.claim_failed', { error });
    }
  }

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  void tick();

  return {
    get running() {
      return running;
    },
    tick,
    /** Stops claiming work and waits for the checks under way. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await claiming;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
