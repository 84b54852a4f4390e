/**
 * Reads the facts the classifier needs out of the different error shapes of nodemailer,
 * imapflow and fetch, and out of the providers' named errors (providers/errors.ts), so the
 * rules can be one flat table.
 *
 * @example factsOf(new OAuthRequestError(400, { error: 'invalid_grant' })).oauthError // 'invalid_grant'
 */
import { GoogleApiError, OAuthRequestError, ProviderHttpError } from '../providers/errors.ts';

export interface ErrorFacts {
  /** Node, nodemailer or imapflow error code (ECONNREFUSED, EAUTH, GREETING_TIMEOUT…); TIMEOUT_ERR for a TimeoutError. */
  code: string | null;
  /** SMTP reply code (535). */
  responseCode: number | null;
  /** Enhanced status code found in the reply (5.7.8). */
  enhanced: string | null;
  /** IMAP response code in brackets (AUTHENTICATIONFAILED). */
  imapCode: string | null;
  /** imapflow: the server refused the login (tagged NO/BAD). */
  authFailed: boolean;
  /** HTTP status of a provider answer. */
  status: number | null;
  /** OAuth `error` / Google API `reason` / `status`. */
  oauthError: string | null;
  oauthSubtype: string | null;
  apiReasons: string[];
  errorCodes: number[];
  /** What the server said, for matching words and for the event's detail. */
  text: string;
}

/**
 * What `AbortSignal.timeout` aborts with (a DOMException named TimeoutError, legacy code
 * TIMEOUT_ERR); fetch and a body read reject with it, also when it fires mid-answer.
 */
const TIMED_OUT = 'TimeoutError';

function networkCode(err: Record<string, unknown>): string | null {
  const cause = err.cause as Record<string, unknown> | undefined;
  if (err.name === TIMED_OUT || cause?.name === TIMED_OUT) return 'TIMEOUT_ERR';
  const code = err.code ?? cause?.code;
  return typeof code === 'string' ? code : null;
}

export function factsOf(error: unknown): ErrorFacts {
  const err = (error && typeof error === 'object' ? error : { message: String(error) }) as Record<string, unknown>;
  const response = typeof err.response === 'string' ? err.response : '';
  const message = typeof err.message === 'string' ? err.message : '';
  const text = [response, message].filter(Boolean).join(' | ');
  const facts: ErrorFacts = {
    code: networkCode(err),
    responseCode: typeof err.responseCode === 'number' ? err.responseCode : null,
    enhanced: /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(response || message)?.[1] ?? null,
    imapCode: typeof err.serverResponseCode === 'string' ? err.serverResponseCode.toUpperCase() : null,
    authFailed: err.authenticationFailed === true,
    status: null,
    oauthError: null,
    oauthSubtype: null,
    apiReasons: [],
    errorCodes: [],
    text,
  };
  if (error instanceof ProviderHttpError) {
    facts.status = error.status;
    facts.text = error.message;
  }
  if (error instanceof OAuthRequestError) {
    facts.oauthError = error.code;
    facts.oauthSubtype = error.subtype;
    facts.errorCodes = error.errorCodes;
    facts.text = [error.code, error.description].filter(Boolean).join(': ') || error.message;
  }
  if (error instanceof GoogleApiError) {
    facts.oauthError = error.apiStatus;
    facts.apiReasons = error.reasons;
    facts.text = [error.apiStatus, error.description].filter(Boolean).join(': ') || error.message;
  }
  return facts;
}
