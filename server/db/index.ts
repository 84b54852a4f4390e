/**
 * Opens the database named by DATABASE_URL and brings its schema up to date.
 *
 * @example
 *   const db = await openDatabase('sqlite:///tmp/regrant.sqlite');
 */
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import type { Database } from './schema.ts';
import { createPrivateFile } from './data-dir.ts';
import { withStatementCache } from './statement-cache.ts';
import { createChangeClock, registerChangeClock } from './change-clock.ts';
import * as initial from './migrations/001-initial.ts';
import * as reauth from './migrations/002-reauth.ts';
import * as outbox from './migrations/003-outbox.ts';
import * as testEmails from './migrations/004-test-emails.ts';
import * as imports from './migrations/005-imports.ts';
import * as mailQueue from './migrations/006-mail-queue-instances.ts';
import * as rateLimits from './migrations/007-rate-limits.ts';
import * as trouble from './migrations/008-trouble.ts';
import * as hardening from './migrations/010-hardening.ts';
import * as statusDelta from './migrations/011-status-delta.ts';
import * as webhooks from './migrations/016-webhooks.ts';

export type Db = Kysely<Database>;

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-reauth': reauth,
  '003-outbox': outbox,
  '004-test-emails': testEmails,
  '005-imports': imports,
  '006-mail-queue-instances': mailQueue,
  '007-rate-limits': rateLimits,
  '008-trouble': trouble,
  '010-hardening': hardening,
  '011-status-delta': statusDelta,
  '016-webhooks': webhooks,
};

export function sqlitePath(databaseUrl: string): string {
  return decodeURIComponent(databaseUrl.replace(/^sqlite:(\/\/)?/, ''));
}

/** `onQuery` sees every SQL statement run: for tests that prove a path reads nothing it should not. */
export async function openDatabase(databaseUrl: string, onQuery?: (sql: string) => void): Promise<Db> {
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new Error('DATABASE_URL: only sqlite:// is supported in this version');
  }
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
    log: onQuery ? (event) => onQuery(event.query.sql) : undefined,
  });
  registerChangeClock(db, clock.read);
  await migrate(db);
  return db;
}

/** Brings the schema up to date, or up to the migration `to` (a test of a later migration's data). */
export async function migrate(db: Db, to?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = to ? await migrator.migrateTo(to) : await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
