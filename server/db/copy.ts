/**
 * Moves an install from SQLite to PostgreSQL: every table of the (migrated) SQLite database is
 * copied, rows as they are, into an empty PostgreSQL database migrated by the same code, parents
 * before the rows that reference them, then the row counts of both are compared. Secrets are
 * copied sealed: the instances on PostgreSQL need the same key (SECRET_KEY).
 *
 * @example
 *   const copied = await copyDatabase(sqliteDb, postgresDb); // [{ table: 'users', rows: 3 }, …]
 */
import { sql } from 'kysely';
import type { Db } from './index.ts';
import { onPostgres } from './dialect.ts';

export interface CopiedTable {
  table: string;
  rows: number;
}

/** Thrown before anything is written: the target is not empty, or the source or target is of the wrong kind. */
export class CopyRefused extends Error {
  readonly code = 'copy_refused';
}

/** Tables a migration fills in a new database: the copy replaces their rows, and they do not make the target "not empty". */
const SEEDED = new Set(['status_sequence']);

/** Rows per insert: 500 rows of the widest table stay far below PostgreSQL's 65,535 parameters. */
const BATCH = 500;

type AnyDb = Db & { selectFrom(table: string): any; insertInto(table: string): any; deleteFrom(table: string): any };

export async function copyDatabase(source: Db, target: Db): Promise<CopiedTable[]> {
  if (onPostgres(source)) throw new CopyRefused('the source must be the SQLite database (DATA_DIR / DATABASE_URL=sqlite://…)');
  if (!onPostgres(target)) throw new CopyRefused('the target must be a PostgreSQL database (--to postgres://…)');
  const tables = await tablesInOrder(source);
  const from = source as AnyDb;
  const to = target as AnyDb;
  for (const table of tables.filter((t) => !SEEDED.has(t))) {
    const { n } = await to.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    if (Number(n) > 0) throw new CopyRefused(`the target database is not empty (${table} has ${n} rows): copy only into a new, empty database`);
  }
  await target.transaction().execute(async (trx) => {
    const into = trx as AnyDb;
    for (const table of tables) {
      if (SEEDED.has(table)) await into.deleteFrom(table).execute();
      for (let offset = 0; ; offset += BATCH) {
        const rows = await from.selectFrom(table).selectAll().orderBy(sql`rowid`).limit(BATCH).offset(offset).execute();
        if (rows.length === 0) break;
        await into.insertInto(table).values(rows).execute();
        if (rows.length < BATCH) break;
      }
    }
  });
  const copied: CopiedTable[] = [];
  for (const table of tables) {
    const [a, b] = await Promise.all([from, to].map(async (db) => Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)));
    if (a !== b) throw new Error(`copying ${table} went wrong: ${a} rows in SQLite, ${b} in PostgreSQL`);
    copied.push({ table, rows: b });
  }
  return copied;
}

/** Regrant's tables (not the migrator's), each after the tables its foreign keys point to. */
async function tablesInOrder(source: Db): Promise<string[]> {
  const tables = (await source.introspection.getTables()).map((t) => t.name);
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const { rows } = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(source);
    parents.set(table, rows.map((r) => r.table).filter((p) => p !== table));
  }
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table)) throw new Error(`foreign keys form a cycle: ${[...path, table].join(' → ')}`);
    for (const parent of parents.get(table) ?? []) visit(parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}
