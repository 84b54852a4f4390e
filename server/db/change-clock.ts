/**
 * Tells, without reading a table, whether the database may have changed since a moment: the
 * count of statements this process ran that may write (anything but a `select`), with SQLite's
 * `PRAGMA data_version`, which moves whenever another connection (the CLI, another process)
 * commits. Equal readings mean nothing was committed in between; a change of either says
 * "maybe", which is all a cache needs to stay exact.
 *
 * @example
 *   const clock = changeClock(db);
 *   const seen = clock?.(); // … read … later: clock?.() === seen → the read still holds
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import type { Db } from './index.ts';

const clocks = new WeakMap<Db, () => string>();

/** Wraps `database` so that every statement that may write moves the clock; `read` gives its reading. */
export function createChangeClock(sqlite: SQLite.Database, database: SqliteDatabase): { database: SqliteDatabase; read: () => string } {
  let writes = 0;
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  return {
    database: {
      close: () => database.close(),
      prepare(sql: string) {
        // Counted when prepared, before it runs: a reading taken before a write never matches one after.
        if (!sql.startsWith('select')) writes += 1;
        return database.prepare(sql);
      },
    },
    read: () => `${writes}:${dataVersion.get() as number}`,
  };
}

export function registerChangeClock(db: Db, read: () => string): void {
  clocks.set(db, read);
}

/** The clock of a database opened by `openDatabase`, or null (then nothing may be cached). */
export function changeClock(db: Db): (() => string) | null {
  return clocks.get(db) ?? null;
}
