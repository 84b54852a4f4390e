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
