/**
 * The database a test runs on: SQLite in its DATA_DIR, or, in the `server-postgres` project
 * (TEST_DATABASE=postgres), a fresh database on the run's throwaway PostgreSQL cluster. Tests
 * spread `testDatabaseEnv()` into Regrant's environment and get whichever this run is for.
 *
 * @example
 *   const rg = await startRegrant(await testDatabaseEnv());
 *   const db = await openTestDatabase();
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { createDatabase } from './postgres.ts';

/** The key every PostgreSQL test instance shares (instances on one database must). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 42).toString('base64');

export function onTestPostgres(): boolean {
  return process.env.TEST_DATABASE === 'postgres';
}

/** Regrant's variables for a fresh test database: `{}` on SQLite (its file goes in DATA_DIR). */
export async function testDatabaseEnv(): Promise<Record<string, string>> {
  if (!onTestPostgres()) return {};
  return { DATABASE_URL: await createDatabase(inject('postgresUrl')), SECRET_KEY: TEST_SECRET_KEY };
}

/** The variables that point another process (the CLI, a server) at `rg`'s database; `{}` on SQLite, where DATA_DIR does. */
export function databaseEnvOf(rg: { config: { databaseUrl: string } }): Record<string, string> {
  return onTestPostgres() ? { DATABASE_URL: rg.config.databaseUrl, SECRET_KEY: TEST_SECRET_KEY } : {};
}

/** A fresh, migrated database of this run's kind (SQLite in memory, or PostgreSQL). */
export async function openTestDatabase(): Promise<Db> {
  const env = await testDatabaseEnv();
  return openDatabase(env.DATABASE_URL ?? 'sqlite::memory:');
}

/**
 * Everything the database holds, as text: the SQLite files in DATA_DIR byte for byte, or
 * every row of every table on PostgreSQL. For tests that prove a secret is never stored in clear.
 */
export async function storedText(db: Db, dataDir: string): Promise<string> {
  if (!onTestPostgres()) {
    return readdirSync(dataDir)
      .filter((f) => f.startsWith('regrant.sqlite'))
      .map((f) => readFileSync(path.join(dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const tables = await db.introspection.getTables();
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(t.name)} t`.execute(db);
    parts.push(...rows.rows.map((r) => r.row));
  }
  return parts.join('\n');
}
