import { spawn } from 'node:child_process';
import { once } from 'node:events';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Db } from '../db/index.ts';
import { HEARTBEAT_STALE_MS } from '../db/leases.ts';
import type { Database } from '../db/schema.ts';
import { silentLogger } from '../log/index.ts';
import { THIS_HOST } from './host.ts';
import { reapDeadInstances, startInstance } from './index.ts';

let db: Db;
beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrate(db);
});
afterAll(() => db?.destroy());

const ids = async () => (await db.selectFrom('instances').select('id').orderBy('id').execute()).map((r) => r.id);

/** The process id of a process of this machine that has ended. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe('instances', () => {
  it('an instance writes its heartbeat while it runs and removes its row when it stops', async () => {
    const instance = await startInstance(db, silentLogger, 50);
    const first = await db.selectFrom('instances').selectAll().where('id', '=', instance.id).executeTakeFirstOrThrow();
    expect(first).toMatchObject({ host: THIS_HOST, pid: process.pid });
    await new Promise((r) => setTimeout(r, 120));
    const beaten = await db.selectFrom('instances').selectAll().where('id', '=', instance.id).executeTakeFirstOrThrow();
    expect(beaten.heartbeat_at > first.heartbeat_at).toBe(true);
    // Removed by another instance that thought it dead: the next beat writes it back.
    await db.deleteFrom('instances').where('id', '=', instance.id).execute();
    await instance.beat();
    expect(await ids()).toContain(instance.id);
    await instance.stop();
    expect(await ids()).not.toContain(instance.id);
  });

  it('a starting instance removes the instances whose process on this machine is gone, and those whose heartbeat is stale', async () => {
    const now = new Date().toISOString();
    const stale = new Date(Date.now() - HEARTBEAT_STALE_MS - 1000).toISOString();
    await db
      .insertInto('instances')
      .values([
        { id: 'ins_killed', host: THIS_HOST, pid: await endedPid(), started_at: now, heartbeat_at: now },
        { id: 'ins_same_process', host: THIS_HOST, pid: process.pid, started_at: now, heartbeat_at: now },
        { id: 'ins_elsewhere', host: 'other-host:boot:1', pid: await endedPid(), started_at: now, heartbeat_at: now },
        { id: 'ins_silent', host: 'other-host:boot:1', pid: 1, started_at: stale, heartbeat_at: stale },
      ])
      .execute();
    const instance = await startInstance(db, silentLogger);
    try {
      // Another machine's process ids say nothing here: only its heartbeat does.
      expect(await ids()).toEqual([instance.id, 'ins_elsewhere', 'ins_same_process'].sort());
      expect(await reapDeadInstances(db, instance.id)).toEqual([]);
    } finally {
      await instance.stop();
      await db.deleteFrom('instances').execute();
    }
  });
});
