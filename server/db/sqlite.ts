/**
 * The SQLite side of `openDatabase`: one better-sqlite3 connection in WAL mode, its
 * statements cached, with a change clock that lets the token cache stay exact.
 *
 * @example
 *   const db = openSqlite('/var/lib/regrant/regrant.sqlite', { onQuery: console.log });
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';
import { createPrivateFile } from './data-dir.ts';
import { withStatementCache } from './statement-cache.ts';
import { createChangeClock, registerChangeClock } from './change-clock.ts';

export function sqlitePath(databaseUrl: string): string {
  return decodeURIComponent(databaseUrl.replace(/^sqlite:(\/\/)?/, ''));
}

export function openSqlite(databaseUrl: string, options: { onQuery?: (sql: string) => void } = {}): Kysely<Database> {
  const file = sqlitePath(databaseUrl);
  // The database holds email bodies and recipients: it is created 0600, never wider.
  if (file !== ':memory:') createPrivateFile(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const clock = createChangeClock(sqlite, withStatementCache(sqlite));
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: clock.database }),
    log: options.onQuery ? (event) => options.onQuery!(event.query.sql) : undefined,
  });
  registerChangeClock(db, clock.read);
  return db;
}
