/**
 * A periodic job run once per period by the whole fleet: every instance's timer asks, and the
 * first to ask once the period is over takes the run (a conditional update of its row in
 * `periodic_runs`: the row lock decides between instances asking at the same moment); the
 * others skip it. On one instance it simply runs every period.
 *
 * @example
 *   setInterval(async () => { if (await claimPeriodicRun(db, 'inbox.sweep', 300_000, instanceId)) await sweep(); }, 300_000);
 */
import type { Db } from './index.ts';

/** A timer that fires a little early (or a run claimed a little late) must not skip a whole period. */
const SLACK = 0.9;

export async function claimPeriodicRun(db: Db, name: string, periodMs: number, instanceId: string, now = new Date()): Promise<boolean> {
  const nowIso = now.toISOString();
  const next = new Date(now.getTime() + periodMs * SLACK).toISOString();
  await db.insertInto('periodic_runs').values({ name, next_run_at: nowIso, ran_by: null }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const claimed = await db.updateTable('periodic_runs').set({ next_run_at: next, ran_by: instanceId }).where('name', '=', name).where('next_run_at', '<=', nowIso).executeTakeFirst();
  return claimed.numUpdatedRows > 0n;
}
