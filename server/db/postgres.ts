/**
 * The PostgreSQL side of `openDatabase`: kysely's PostgresDialect over a bounded `pg` pool.
 * Counts and sums come back as numbers (pg gives 64-bit integers and numerics as strings),
 * and an idle connection that breaks (the server restarted) is dropped and replaced rather
 * than taking the process down. A transaction aborted by a deadlock is run again (conflicts.ts).
 * There is no change clock: nothing is cached across requests,
 * so a token revoked by the CLI or another instance stops on the very next request.
 *
 * @example
 *   const db = openPostgres('postgres://regrant:secret@db:5432/regrant?sslmode=require', { poolSize: 10 });
 */
import { Kysely, PostgresDialect, type Transaction, type TransactionBuilder } from 'kysely';
import pg from 'pg';
import { retryConflicts } from './conflicts.ts';
import type { Database } from './schema.ts';

export const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** OIDs of int8 and numeric: Regrant's counters and sums all fit in a double. */
const INT8 = 20;
const NUMERIC = 1700;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PostgresOptions {
  poolSize?: number;
  onQuery?: (sql: string) => void;
  /** Hears about connections that broke while idle (the server restarted, the network dropped). */
  onPoolError?: (error: Error) => void;
}

export function openPostgres(databaseUrl: string, options: PostgresOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // The migration lock holds one connection while the migrator uses another.
    max: Math.max(2, options.poolSize ?? 10),
    types,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // Without a listener, a connection's error (a restart of PostgreSQL) would end the process:
  // the pool hears those of idle connections, each connection those met while in use (the
  // query under way fails on its own, and the pool drops the broken connection when it is back).
  pool.on('error', (error) => options.onPoolError?.(error));
  pool.on('connect', (client) => client.on('error', (error) => options.onPoolError?.(error)));
  return new PostgresKysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: options.onQuery ? (event) => options.onQuery!(event.query.sql) : undefined,
  });
}

/** Kysely whose transactions are run again when PostgreSQL aborts them to break a deadlock. */
class PostgresKysely<DB> extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    const builder = super.transaction();
    const execute = builder.execute.bind(builder);
    return Object.assign(Object.create(builder) as TransactionBuilder<DB>, {
      execute: <T>(callback: (trx: Transaction<DB>) => Promise<T>) => retryConflicts(() => execute(callback)),
    });
  }
}
