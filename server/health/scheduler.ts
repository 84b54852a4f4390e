/**
 * Runs the health checks: at most CHECK_CONCURRENCY at once, each on an account claimed
 * (leased) from the database. Claims are made a few ahead: a cycle of thousands frees a slot
 * every few milliseconds, and a claim each was a write each. The rows claimed ahead wait in
 * memory for the next free slot. Each account's next check carries its own jitter
 * (state.ts), so a cycle spreads out instead of arriving in a burst.
 *
 * @example const stop = startScheduler(health, { concurrency: 50 });
 */
import type { AccountRow } from '../db/schema.ts';
import type { Logger } from '../log/index.ts';
import type { Health } from './check.ts';

export interface SchedulerOptions {
  concurrency: number;
  tickMs?: number;
  /** Accounts claimed beyond the free slots: a fifth of the concurrency unless given. */
  ahead?: number;
  logger: Logger;
}

export function startScheduler(health: Health, { concurrency, tickMs = 1000, ahead = Math.floor(concurrency / 5), logger }: SchedulerOptions) {
  let running = 0;
  let stopped = false;
  let claiming: Promise<void> | null = null;
  /** Claimed and leased, waiting for a slot. */
  const waiting: AccountRow[] = [];
  const inFlight = new Set<Promise<unknown>>();

  function start(row: AccountRow): void {
    running++;
    const job = health.runClaimed(row).finally(() => {
      running--;
      inFlight.delete(job);
      // A slot opened: there may be more due work right now.
      void tick();
    });
    inFlight.add(job);
  }

  function tick(): Promise<void> {
    while (!stopped && running < concurrency && waiting.length) start(waiting.shift()!);
    if (stopped || claiming || running >= concurrency) return claiming ?? Promise.resolve();
    claiming = claimAndStart().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  async function claimAndStart(): Promise<void> {
    try {
      const rows = await health.claimDue(concurrency - running + ahead);
      if (stopped) {
        // stop() came while we were claiming: hand the leases back instead of starting.
        await Promise.all(rows.map((row) => health.release(row)));
        return;
      }
      waiting.push(...rows);
      while (running < concurrency && waiting.length) start(waiting.shift()!);
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
    /** Stops claiming work, hands back the accounts claimed ahead, and waits for the checks under way. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await claiming;
      await Promise.all(waiting.splice(0).map((row) => health.release(row)));
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
