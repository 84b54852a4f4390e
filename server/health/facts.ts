/**
 * Reads the facts the classifier needs out of the different error shapes of nodemailer,
 * imapflow, fetch and the OAuth endpoints, so the rules can be one flat table.
 */

export type FailureSource = 'smtp' | 'imap' | 'google_token' | 'gmail_api' | 'microsoft_token' | 'check';

/** An HTTP answer from a provider's token endpoint or API, kept for classification. */
export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${describeBody(body)}`);
    this.name = 'ProviderHttpError';
  }
}

/** Raised by the health engine when a check outlives its time limit. */
export class CheckTimeoutError extends Error {
  readonly code = 'CHECK_TIMEOUT';
  constructor(seconds: number) {
    super(`no answer within ${seconds} s`);
  }
}

export interface ErrorFacts {
  /** Node, nodemailer or imapflow error code (ECONNREFUSED, EAUTH, GREETING_TIMEOUT…). */
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

function describeBody(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  try {
    return JSON.stringify(body).slice(0, 300);
  } catch {
    return String(body);
  }
}

function networkCode(err: Record<string, unknown>): string | null {
  const cause = err.cause as Record<string, unknown> | undefined;
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
    const body = (error.body && typeof error.body === 'object' ? error.body : {}) as Record<string, unknown>;
    const nested = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : null;
    facts.oauthError = typeof body.error === 'string' ? body.error : typeof nested?.status === 'string' ? nested.status : null;
    facts.oauthSubtype = typeof body.error_subtype === 'string' ? body.error_subtype : null;
    facts.errorCodes = Array.isArray(body.error_codes) ? body.error_codes.filter((c): c is number => typeof c === 'number') : [];
    const reasons: string[] = [];
    for (const e of (nested?.errors as unknown[]) ?? []) {
      const reason = (e as Record<string, unknown>)?.reason;
      if (typeof reason === 'string') reasons.push(reason);
    }
    for (const d of (nested?.details as unknown[]) ?? []) {
      const reason = (d as Record<string, unknown>)?.reason;
      if (typeof reason === 'string') reasons.push(reason);
    }
    facts.apiReasons = reasons;
    const description = typeof body.error_description === 'string' ? body.error_description : typeof nested?.message === 'string' ? nested.message : '';
    facts.text = [facts.oauthError, description].filter(Boolean).join(': ') || error.message;
  }
  return facts;
}
