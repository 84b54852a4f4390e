/**
 * This server process as the database knows it: an instance with an id and a heartbeat. Every
 * lease it takes names it (`lease_owner` = its id), and its heartbeat row keeps those leases
 * held (`server/db/leases.ts`). An instance that dies stops beating, and its leases are free
 * once its heartbeat is stale; one that died on this machine (a server killed and started
 * again) is recognised at once by its process id and removed when the new one starts.
 *
 * @example
 *   const instance = await startInstance(db, logger);
 *   db.updateTable('accounts').set({ lease_owner: instance.id, … });
 *   await instance.stop(); // its row goes: anything it still held is free
 */
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { HEARTBEAT_MS, liveSince } from '../db/leases.ts';
import type { Logger } from '../log/index.ts';
import { processGone, THIS_HOST } from './host.ts';

export interface Instance {
  readonly id: string;
  /** Writes the heartbeat now and removes dead instances (the timer does it every few seconds). */
  beat(): Promise<void>;
  /** Stops beating and removes the row: leases still held are free at once. */
  stop(): Promise<void>;
}

/** Removes instances whose heartbeat is stale, and those of this machine whose process is gone; answers their ids. */
export async function reapDeadInstances(db: Db, me: string, now = new Date()): Promise<string[]> {
  const stale = await db.selectFrom('instances').select('id').where('heartbeat_at', '<', liveSince(now)).execute();
  const here = THIS_HOST ? await db.selectFrom('instances').select(['id', 'pid']).where('host', '=', THIS_HOST).where('id', '<>', me).execute() : [];
  const dead = [...stale.map((r) => r.id), ...here.filter((r) => r.pid !== null && r.pid !== process.pid && processGone(r.pid)).map((r) => r.id)];
  if (dead.length > 0) await db.deleteFrom('instances').where('id', 'in', dead).execute();
  return [...new Set(dead)];
}

export async function startInstance(db: Db, logger: Logger, beatMs = HEARTBEAT_MS): Promise<Instance> {
  const id = newId('ins');
  let beating: Promise<void> | null = null;

  async function beatOnce(): Promise<void> {
    const now = new Date().toISOString();
    // An upsert: a row removed by another instance (this one looked dead) comes back.
    await db
      .insertInto('instances')
      .values({ id, host: THIS_HOST, pid: process.pid, started_at: now, heartbeat_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
      .execute();
    const dead = await reapDeadInstances(db, id);
    if (dead.length > 0) logger.info('instance.reaped', { instance: id, dead });
  }

  function beat(): Promise<void> {
    beating ??= beatOnce()
      .catch((error) => logger.warn('instance.heartbeat_failed', { instance: id, error }))
      .finally(() => {
        beating = null;
      });
    return beating;
  }

  await beatOnce();
  logger.info('instance.started', { instance: id, pid: process.pid });
  const timer = setInterval(() => void beat(), beatMs);
  timer.unref();

  return {
    id,
    beat,
    async stop() {
      clearInterval(timer);
      await beating;
      await db.deleteFrom('instances').where('id', '=', id).execute();
    },
  };
}
