/**
 * Microsoft identity platform (Entra ID, AADSTS) refusals in their documented shape:
 * `{error, error_description: "AADSTSnnnnn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
 * error_codes, timestamp, trace_id, correlation_id, error_uri}` plus `suberror` (and `claims`)
 * where Entra sends them. Messages follow learn.microsoft.com's error-code reference and the
 * texts Entra answers in the wild.
 *
 * @example return aadJson(AAD.revoked(), { now: Date.now() });
 */
import { escapeHtml } from './google-errors.ts';
import { newGuid } from './oauth-common.ts';

export interface AadError {
  status: number;
  error: string;
  code: number;
  message: string;
  suberror?: string;
  claims?: string;
  /** Seconds, for throttling answers. */
  retryAfter?: number;
}

const EXCHANGE_ONLINE = '00000002-0000-0ff1-ce00-000000000000';
const err = (status: number, error: string, code: number, message: string, extra: Partial<AadError> = {}): AadError => ({ status, error, code, message, ...extra });
const day = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The catalogue of refusals the fake can answer. */
export const AAD = {
  tenantNotFound: (tenant: string) =>
    err(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  appNotFound: (clientId: string, tenant: string) =>
    err(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  replyUrlNotRegistered: (redirectUri: string, clientId: string) =>
    err(400, 'invalid_request', 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`),
  userNotFound: (email: string, tenant: string) =>
    err(400, 'invalid_request', 50034, `The user account ${email} does not exist in the '${tenant}' directory. To sign into this application, the account must be added to the directory.`),
  missingSecret: () => err(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  badSecret: (clientId: string) =>
    err(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  missingParameter: (name: string) => err(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  invalidParameter: (name: string) => err(400, 'invalid_request', 90100, `${name} parameter is empty or not valid.`),
  unsupportedGrant: (grantType: string) => err(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`),
  malformedGrant: () => err(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  codeRedeemed: () => err(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeExpired: () => err(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  codeForOtherTenant: () => err(400, 'invalid_grant', 700005, 'Provided Authorization Code is intended to use against other tenant, thus rejected.'),
  /** Entra names this one invalid_client: it descends from AADSTS70002 "Error validating credentials". */
  replyUrlDiffers: (got: string, expected: string) =>
    err(400, 'invalid_client', 500112, `The reply address '${got}' does not match the reply address '${expected}' provided when requesting Authorization code.`),
  verifierMismatch: () => err(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  /** Stricter than Entra on purpose: only the newest refresh token of a grant works here. */
  rotatedAway: () =>
    err(400, 'invalid_grant', 70000, 'The provided grant is invalid or malformed. (Fake: this refresh token was replaced by a newer one from a later refresh; store the rotated refresh token.)'),
  revoked: (issuedAt: number, validFrom: number) =>
    err(
      400,
      'invalid_grant',
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${day(issuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${day(validFrom)}'.`,
    ),
  expiredInactive: (issuedAt: number) =>
    err(400, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${day(issuedAt)} and was inactive for 90.00:00:00.`),
  mfaRequired: () =>
    err(400, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${EXCHANGE_ONLINE}'.`, {
      suberror: 'basic_action',
      claims: '{"access_token":{"capolids":{"essential":true,"values":["f3a1c2d4-5b6e-4f70-8a91-b2c3d4e5f607"]}}}',
    }),
  consentRequired: (clientId: string) =>
    err(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${clientId}' named 'Regrant'. Send an interactive authorization request for this user and resource.`, {
      suberror: 'consent_required',
    }),
  serverError: (status = 500) => err(status, 'server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.'),
  temporarilyUnavailable: (status = 503) => err(status, 'temporarily_unavailable', 90055, 'The server has terminated the request due to excessive request rate. Please wait a few seconds and try again.', { retryAfter: 5 }),
  /** What Entra answers a client that asks for the same token too often. */
  rateLimited: () =>
    err(429, 'temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.', { retryAfter: 5 }),
};

export interface Trace {
  now: number;
  /** Entra echoes the client-request-id header as the correlation id. */
  correlationId?: string | null;
}

function stamp(trace: Trace) {
  return { timestamp: new Date(trace.now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'), traceId: newGuid(), correlationId: trace.correlationId || newGuid() };
}

/** @example aadJson(AAD.codeRedeemed(), { now: Date.now(), correlationId: c.req.header('client-request-id') }) */
export function aadJson(e: AadError, trace: Trace): Response {
  const { timestamp, traceId, correlationId } = stamp(trace);
  const body = {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
    ...(e.suberror ? { suberror: e.suberror } : {}),
    ...(e.claims ? { claims: e.claims } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': traceId };
  if (e.retryAfter) headers['retry-after'] = String(e.retryAfter);
  return new Response(JSON.stringify(body), { status: e.status, headers });
}

/**
 * The "Sign in to your account" page Entra shows when it cannot send the browser back
 * (unknown app, unregistered redirect URI, unknown tenant or account).
 *
 * @example aadPage(AAD.appNotFound(clientId, tenant), { now: Date.now() })
 */
export function aadPage(e: AadError, trace: Trace): Response {
  const { timestamp, traceId, correlationId } = stamp(trace);
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body><div id="error"><p>Sorry, but we’re having trouble signing you in.</p>
<p>AADSTS${e.code}: ${escapeHtml(e.message)}</p>
<p>Request Id: ${traceId}<br>Correlation Id: ${correlationId}<br>Timestamp: ${timestamp}</p></div></body></html>`;
  return new Response(html, { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
