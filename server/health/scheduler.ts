/**
 * Runs the health checks: at most CHECK_CONCURRENCY at once (a p-limit gate), each on an
 * account claimed (leased) from the database. Claims are made a few ahead: a cycle of
 * thousands frees a slot every few milliseconds, and a claim each was a write each. The rows
 * claimed ahead wait in the gate's queue for the next free slot. Each account's next check
 * carries its own jitter (state.ts), so a cycle spreads out instead of arriving in a burst.
 *
 * @example const stop = startScheduler(health, { concurrency: 50 });
 */
import pLimit from 'p-limit';
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
  const limit = pLimit(concurrency);
  let stopped = false;
  let claiming: Promise<void> | null = null;
  /** Claimed and leased, waiting for a slot; stop() hands them back. */
  const waiting = new Set<AccountRow>();
  const jobs = new Set<Promise<unknown>>();

  function start(row: AccountRow): void {
    waiting.add(row);
    // Once stop() is called no check starts; the rows still waiting go back to the database.
    const job = limit(() => (!stopped && waiting.delete(row) ? health.runClaimed(row) : undefined)).finally(() => {
      jobs.delete(job);
      // A slot opened (p-limit counts it free before this runs): there may be more due work right now.
      void tick();
    });
    jobs.add(job);
  }

  /** Checks under way and claimed ones waiting for a slot. */
  const taken = () => limit.activeCount + limit.pendingCount;

  function tick(): Promise<void> {
    if (stopped || claiming || taken() >= concurrency) return claiming ?? Promise.resolve();
    claiming = claimAndStart().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  async function claimAndStart(): Promise<void> {
    try {
      const rows = await health.claimDue(concurrency + ahead - taken());
      if (stopped) {
        // stop() came while we were claiming: hand the leases back instead of starting.
        await Promise.all(rows.map((row) => health.release(row)));
        return;
      }
      for (const row of rows) start(row);
    } catch (error) {
      logger.error('scheduler.claim_failed', { error });
    }
  }

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  void tick();

  return {
    get running() {
      return limit.activeCount;
    },
    tick,
    /** Stops claiming work, hands back the accounts claimed ahead, and waits for the checks under way. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await claiming;
      const unstarted = [...waiting];
      waiting.clear();
      await Promise.all(unstarted.map((row) => health.release(row)));
      await Promise.allSettled([...jobs]);
    },
  };
}

export type Scheduler = ReturnType<typeof startScheduler>;
