/**
 * The errors providers raise, as values with names and fields: the classifier reads them;
 * providers never depend on the classifier. A provider's HTTP answer is read once, here, into
 * the class that fits its body: an OAuth token endpoint's error (RFC 6749 §5.2, with Google's
 * `error_subtype` and Microsoft's `error_codes`), a Google API error, or a bare HTTP error.
 *
 * @example
 *   throw httpErrorOf(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
 *   // an OAuthRequestError: code 'invalid_grant', description 'Token has been expired or revoked.', status 400
 */

/** Where a failure happened: a mail protocol, a provider's endpoint, or the check as a whole. */
export type FailureSource = 'smtp' | 'imap' | 'google_token' | 'gmail_api' | 'microsoft_token' | 'check';

/** One raw failure of a check, a send or a scan, for the classifier to judge. */
export interface Failure {
  source: FailureSource;
  error: unknown;
  /** The login used an OAuth access token (XOAUTH2), not a password: the fix is a re-grant. */
  oauth?: boolean;
}

/** An HTTP answer from a provider's token endpoint or API that is not success. */
export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${describeBody(body)}`);
    this.name = 'ProviderHttpError';
  }
}

/** A token endpoint's refusal: `{"error","error_description","error_subtype"?,"error_codes"?}`. */
export class OAuthRequestError extends ProviderHttpError {
  /** The `error` of RFC 6749 §5.2: `invalid_grant`, `invalid_client`… null when the body had none. */
  readonly code: string | null;
  readonly description: string | null;
  /** Google's `error_subtype` (`invalid_rapt`). */
  readonly subtype: string | null;
  /** Microsoft's `error_codes` (AADSTS numbers). */
  readonly errorCodes: number[];

  constructor(status: number, body: unknown) {
    super(status, body);
    this.name = 'OAuthRequestError';
    const b = objectOf(body);
    this.code = stringOf(b.error);
    this.description = stringOf(b.error_description);
    this.subtype = stringOf(b.error_subtype);
    this.errorCodes = Array.isArray(b.error_codes) ? b.error_codes.filter((c): c is number => typeof c === 'number') : [];
  }
}

/** A Google API's refusal: `{"error":{"code","message","status","errors":[{reason}],"details":[{reason}]}}`. */
export class GoogleApiError extends ProviderHttpError {
  /** `PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`… */
  readonly apiStatus: string | null;
  readonly description: string | null;
  /** Every `reason` of `errors` and `details`: `insufficientPermissions`, `ACCESS_TOKEN_SCOPE_INSUFFICIENT`… */
  readonly reasons: string[];

  constructor(status: number, body: unknown) {
    super(status, body);
    this.name = 'GoogleApiError';
    const nested = objectOf(objectOf(body).error);
    this.apiStatus = stringOf(nested.status);
    this.description = stringOf(nested.message);
    this.reasons = [...listOf(nested.errors), ...listOf(nested.details)].map((e) => stringOf(objectOf(e).reason)).filter((r): r is string => r !== null);
  }
}

/** Raised when a check (or a send, a scan) outlives its time limit. */
export class CheckTimeoutError extends Error {
  readonly code = 'CHECK_TIMEOUT';
  constructor(seconds: number) {
    super(`no answer within ${seconds} s`);
    this.name = 'CheckTimeoutError';
  }
}

/** The error an HTTP answer with `body` stands for, by the body's shape. */
export function httpErrorOf(status: number, body: unknown): ProviderHttpError {
  const error = objectOf(body).error;
  if (typeof error === 'string') return new OAuthRequestError(status, body);
  if (error && typeof error === 'object') return new GoogleApiError(status, body);
  return new ProviderHttpError(status, body);
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const stringOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function describeBody(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  try {
    return JSON.stringify(body).slice(0, 300);
  } catch {
    return String(body);
  }
}
