/**
 * Google's answers, byte for byte where it matters: the token endpoint's OAuth errors, the
 * Gmail API's error envelope, and the consent screen's error pages. Google pretty-prints its
 * JSON with two spaces; so do we, so that a client that greps the raw body sees the same text.
 *
 * @example return googleJson(400, TOKEN_ERRORS.revoked);
 */

/** @example googleJson(200, { access_token: '…' }) */
export function googleJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache', ...headers },
  });
}

/** Bodies of https://oauth2.googleapis.com/token (and /revoke) refusals. */
export const TOKEN_ERRORS = {
  revoked: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
  badRequest: { error: 'invalid_grant', error_description: 'Bad Request' },
  missingVerifier: { error: 'invalid_grant', error_description: 'Missing code verifier.' },
  invalidVerifier: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
  redirectMismatch: { error: 'redirect_uri_mismatch', error_description: 'Bad Request' },
  invalidClient: { error: 'invalid_client', error_description: 'Unauthorized' },
  clientNotFound: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
  /** A refresh token presented by a client other than the one it was issued to. */
  unauthorizedClient: { error: 'unauthorized_client', error_description: 'Unauthorized' },
  invalidRapt: {
    error: 'invalid_grant',
    error_description: 'reauth related error (invalid_rapt)',
    error_uri: 'https://support.google.com/a/answer/9368756',
    error_subtype: 'invalid_rapt',
  },
  adminPolicyEnforced: {
    error: 'admin_policy_enforced',
    error_description: 'The Google Account is unable to authorize one or more scopes requested due to the policies of their Google Workspace administrator.',
  },
  /** Google's token backend outage answer carries no description. */
  serverError: { error: 'internal_failure' },
  rateLimited: { error: 'rate_limit_exceeded', error_description: 'Rate Limit Exceeded' },
  revokeUnknown: { error: 'invalid_token', error_description: 'Token expired or revoked' },
  unsupportedGrant: (grantType: string | null) => ({ error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` }),
  missingParameter: (name: string) => ({ error: 'invalid_request', error_description: `Missing required parameter: ${name}` }),
};

const DEVCONSOLE = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

function apiError(code: number, message: string, status: string, errors: unknown[], details?: unknown[]) {
  return { error: { code, message, errors, status, ...(details ? { details } : {}) } };
}

/** Gmail API (googleapis.com) error answers. */
export const GMAIL_ERRORS = {
  invalidCredentials: () =>
    googleJson(
      401,
      apiError(
        401,
        `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${DEVCONSOLE}`,
        'UNAUTHENTICATED',
        [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
      ),
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    ),
  missingCredentials: () =>
    googleJson(
      401,
      apiError(
        401,
        `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${DEVCONSOLE}`,
        'UNAUTHENTICATED',
        [{ message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' }],
      ),
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
    ),
  insufficientScope: (method: string, neededScopes: string[]) =>
    googleJson(
      403,
      apiError(
        403,
        'Request had insufficient authentication scopes.',
        'PERMISSION_DENIED',
        [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { method, service: 'gmail.googleapis.com' },
          },
        ],
      ),
      { 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${neededScopes.join(' ')}"` },
    ),
  domainPolicy: () =>
    googleJson(
      403,
      apiError(403, 'The domain administrators have disabled Gmail apps.', 'PERMISSION_DENIED', [
        { message: 'The domain administrators have disabled Gmail apps.', domain: 'global', reason: 'domainPolicy' },
      ]),
    ),
  delegationDenied: (userId: string) =>
    googleJson(403, apiError(403, `Delegation denied for ${userId}`, 'PERMISSION_DENIED', [{ message: `Delegation denied for ${userId}`, domain: 'global', reason: 'forbidden' }])),
};

/**
 * The consent screen's error page ("Access blocked: … Error 400: redirect_uri_mismatch").
 *
 * @example googlePage(400, 'redirect_uri_mismatch', 'The redirect URI in the request … does not match …')
 */
export function googlePage(status: number, error: string, detail: string): Response {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error ${status} (OAuth2 Error)</title></head>
<body><h1>Access blocked: This app’s request is invalid</h1><p><b>Error ${status}: ${escapeHtml(error)}</b></p><p>${escapeHtml(detail)}</p></body></html>`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** @example escapeHtml('<b>') // '&#60;b&#62;' */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
