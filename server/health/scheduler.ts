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
  let claiming = false;
  const inFlight = new Set<Promise<unknown>>();

  async function tick(): Promise<void> {
    if (stopped || claiming || running >= concurrency) return;
    claiming = true;
    try {
      const rows = await health.claimDue(concurrency - running);
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
    } finally {
      claiming = false;
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
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
