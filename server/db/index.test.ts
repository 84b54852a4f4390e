/**
 * openDatabase on both databases: the run's kind is really the one opened, several instances
 * starting together migrate once, and a database migrated by a newer Regrant is refused.
 */
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { onTestPostgres, openTestDatabase, testDatabaseEnv } from '../../test/support/database.ts';
import { onPostgres } from './dialect.ts';
import { DatabaseTooNewError, migrate, openDatabase, type Db } from './index.ts';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

async function open(url?: string): Promise<Db> {
  const db = url ? await openDatabase(url) : await openTestDatabase();
  opened.push(db);
  return db;
}

it('opens the kind of database this run is for, with every migration applied', async () => {
  const db = await open();
  expect(onPostgres(db)).toBe(onTestPostgres());
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  expect(rows.map((r) => r.name)).toContain('011-status-delta');
  // Counts come back as numbers on both (pg gives 64-bit integers as strings unless told).
  const count = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  expect(count.n).toBe(0);
});

it('refuses a database migrated by a newer Regrant, naming the migration it does not know', async () => {
  const env = await testDatabaseEnv();
  const db = await open(env.DATABASE_URL ?? 'sqlite::memory:');
  await db.insertInto('kysely_migration' as never).values({ name: '999-from-the-future', timestamp: new Date().toISOString() } as never).execute();
  const { DATABASE_URL } = env;
  if (!DATABASE_URL) {
    // One in-memory SQLite database cannot be opened twice: ask its migrator directly.
    await expect(migrate(db)).rejects.toThrow(DatabaseTooNewError);
    await expect(migrate(db)).rejects.toThrow(/999-from-the-future.*newer Regrant/);
    return;
  }
  await expect(openDatabase(DATABASE_URL)).rejects.toThrow(/999-from-the-future.*newer Regrant/);
});

it.runIf(onTestPostgres())('several instances starting together on an empty PostgreSQL database migrate it exactly once', async () => {
  const { DATABASE_URL } = await testDatabaseEnv();
  const dbs = await Promise.all(Array.from({ length: 4 }, () => open(DATABASE_URL)));
  const { rows } = await sql<{ name: string; n: number }>`select name, count(*) as n from kysely_migration group by name`.execute(dbs[0]);
  expect(rows.length).toBeGreaterThanOrEqual(10);
  expect(rows.every((r) => r.n === 1)).toBe(true);
  // Every instance sees the same schema at once.
  for (const db of dbs) expect(await db.selectFrom('users').select('id').execute()).toEqual([]);
});
