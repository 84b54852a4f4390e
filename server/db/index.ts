/**
 * Opens the database named by DATABASE_URL (`sqlite://FILE`, or `postgres://…` /
 * `postgresql://…`) and brings its schema up to date. One set of migrations runs on both;
 * where their SQL must differ, `dialect.ts` says so.
 *
 * @example
 *   const db = await openDatabase('sqlite:///tmp/regrant.sqlite');
 *   const shared = await openDatabase('postgres://regrant@db/regrant', { poolSize: 10 });
 */
import { Kysely, Migrator, sql, type Migration } from 'kysely';
import type { Database } from './schema.ts';
import { onPostgres } from './dialect.ts';
import { openPostgres, POSTGRES_URL, type PostgresOptions } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
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
import * as periodicRuns from './migrations/012-periodic-runs.ts';
import * as removedMessages from './migrations/013-removed-messages.ts';
import * as signin from './migrations/014-signin.ts';
import * as alertGroups from './migrations/015-alert-groups.ts';
import * as webhooks from './migrations/016-webhooks.ts';
import * as groupedChat from './migrations/017-grouped-chat.ts';
import * as incidentLinks from './migrations/018-incident-links.ts';
import * as repairTries from './migrations/019-repair-tries.ts';

export type Db = Kysely<Database>;
export { sqlitePath } from './sqlite.ts';

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
  '012-periodic-runs': periodicRuns,
  '013-removed-messages': removedMessages,
  '014-signin': signin,
  '015-alert-groups': alertGroups,
  '016-webhooks': webhooks,
  '017-grouped-chat': groupedChat,
  '018-incident-links': incidentLinks,
  '019-repair-tries': repairTries,
};

/** Arbitrary, fixed: the advisory lock every instance's migrator takes on PostgreSQL. */
const MIGRATION_LOCK = 7_265_830_191;

export interface OpenOptions extends Pick<PostgresOptions, 'poolSize' | 'onPoolError'> {
  /** Sees every SQL statement run: for tests that prove a path reads nothing it should not. */
  onQuery?: (sql: string) => void;
}

/** Thrown when the database was migrated by a newer Regrant than this one. */
export class DatabaseTooNewError extends Error {
  readonly code = 'database_too_new';
  constructor(readonly unknown: string[]) {
    super(`the database has migrations this version of Regrant does not know (${unknown.join(', ')}): it was upgraded by a newer Regrant; run that version (or newer) instead`);
    this.name = 'DatabaseTooNewError';
  }
}

export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<Db> {
  let db: Db;
  if (POSTGRES_URL.test(databaseUrl)) db = openPostgres(databaseUrl, options);
  else if (databaseUrl.startsWith('sqlite:')) db = openSqlite(databaseUrl, options);
  else throw new Error('DATABASE_URL must start with sqlite://, postgres:// or postgresql://');
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * Brings the schema up to date, or up to the migration `to` (a test of a later migration's
 * data). On PostgreSQL, instances starting together take turns: the first migrates, the
 * others find nothing left to do.
 */
export async function migrate(db: Db, to?: string): Promise<void> {
  if (!onPostgres(db)) return runMigrations(db, to);
  // A session lock on a connection of its own, held while the migrator works on others.
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await runMigrations(db, to);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

async function runMigrations(db: Db, to?: string): Promise<void> {
  await refuseNewerDatabase(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = to ? await migrator.migrateTo(to) : await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

async function refuseNewerDatabase(db: Db): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return;
  const done = await (db as unknown as Kysely<{ kysely_migration: { name: string } }>).selectFrom('kysely_migration').select('name').execute();
  const unknown = done.map((m) => m.name).filter((name) => !(name in migrations));
  if (unknown.length > 0) throw new DatabaseTooNewError(unknown);
}
