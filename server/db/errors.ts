/**
 * Errors of the database driver, recognised by their code rather than their message text.
 *
 * @example
 *   try { await trx.insertInto('accounts').values(row).execute(); }
 *   catch (error) { if (isUniqueViolation(error)) throw new DomainError('account_exists', …); throw error; }
 */

/**
 * better-sqlite3's SqliteError codes for a row whose key is already taken: a UNIQUE column,
 * or the primary key (SQLite words both "UNIQUE constraint failed").
 */
const SQLITE_UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
/** PostgreSQL's SQLSTATE `unique_violation`, on pg's DatabaseError `code` (primary keys included). */
const PG_UNIQUE_VIOLATION = '23505';

/** True when `error` (or an error it wraps as `cause`) says a unique or primary key was already taken. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLITE_UNIQUE.has(code) || code === PG_UNIQUE_VIOLATION)) return true;
  }
  return false;
}

/**
 * PostgreSQL's SQLSTATEs for "the server is not there right now": class 08 (connection
 * exceptions), and 57P01–57P03 (shut down by an administrator or a crash, starting up).
 */
const PG_AWAY = /^(08...|57P0[123])$/;
/** Node's socket errors, met when the server went away between two queries. */
const SOCKET_AWAY = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own errors for a connection lost or never made carry no code: these are its words for it. */
const PG_CLIENT_AWAY = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;

/**
 * True when `error` says the database cannot be reached at the moment (a PostgreSQL restart,
 * an outage), rather than that a query was wrong: the request may be tried again later, and
 * nothing about a mailbox may be judged from it.
 *
 * @example if (isDatabaseUnavailable(error)) return c.json(errorBody('database_unavailable', …), 503);
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_AWAY.test(code) || SOCKET_AWAY.has(code))) return true;
    if (code === undefined && PG_CLIENT_AWAY.test(e.message)) return true;
  }
  return false;
}
