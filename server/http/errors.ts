import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody, ErrorCode } from '../../shared/api.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { DomainError } from '../errors.ts';

/** The status each error code is answered with. */
const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 422,
  signin_failed: 422,
  invalid_json: 400,
  invalid_csv: 400,
  import_expired: 410,
  import_started: 409,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  account_exists: 409,
  mailbox_limit: 429,
  check_in_progress: 409,
  wrong_provider: 409,
  provider_not_configured: 503,
  rate_limited: 429,
  bad_request: 400,
  request_timeout: 408,
  headers_too_large: 431,
  member_exists: 409,
  last_admin: 409,
  invalid_grant: 400,
  internal_error: 500,
  database_unavailable: 503,
};

/**
 * Whether the client went away before its request was whole (its body cut off, or the
 * request timed out and the connection closed): the error that follows is not the server's.
 *
 * @example if (requestCutOff(c)) logger.info('http.client_gone', { route });
 */
export function requestCutOff(c: Context): boolean {
  const incoming = (c.env as { incoming?: { readableAborted?: boolean } } | undefined)?.incoming;
  return incoming?.readableAborted === true || c.req.raw.signal?.aborted === true;
}

/**
 * The body of every API error.
 *
 * @example c.json(errorBody('rate_limited', 'Too many uploads: wait a few minutes.'), 429)
 */
export function errorBody(code: ErrorCode, message: string, field?: string): ApiErrorBody {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** Seconds a client is told to wait while the database is away. */
const DATABASE_RETRY_AFTER = '10';

/**
 * Answers a DomainError with its status; the database being away (a PostgreSQL restart) with
 * a 503 saying so; anything else is a 500 that reveals nothing.
 */
export function respondWithError(c: Context, error: unknown, onUnexpected: (error: unknown) => void, onDatabaseAway?: (error: unknown) => void) {
  if (error instanceof DomainError) {
    if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="regrant"');
    return c.json(errorBody(error.code, error.message, error.field), STATUS[error.code]);
  }
  if (isDatabaseUnavailable(error)) {
    onDatabaseAway?.(error);
    c.header('Retry-After', DATABASE_RETRY_AFTER);
    return c.json(errorBody('database_unavailable', 'Regrant cannot reach its database right now; try again in a minute.'), STATUS.database_unavailable);
  }
  onUnexpected(error);
  return c.json(errorBody('internal_error', 'Something went wrong on the server; it has been logged.'), STATUS.internal_error);
}
