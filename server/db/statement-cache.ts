/**
 * Prepared statements kept by their SQL text. Kysely's SQLite driver prepares every query it
 * runs; preparing is a third of the cost of a small indexed read (the token lookup every API
 * request makes), and the server runs the same few hundred statements over and over.
 *
 * @example
 *   const dialect = new SqliteDialect({ database: withStatementCache(new SQLite(file)) });
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct statement the server runs; multi-row inserts of other sizes come and go. */
const DEFAULT_SIZE = 500;

export function withStatementCache(sqlite: SQLite.Database, size = DEFAULT_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      // A statement still being iterated (a streamed query) cannot run a second query.
      if (cached && !cached.busy) {
        // Most recently used last, so the first key is the one to evict.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
