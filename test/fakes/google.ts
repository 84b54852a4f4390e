/**
 * A stateful stand-in for Google's OAuth endpoints and the Gmail profile call, spoken to by
 * the real google-auth-library OAuth2Client (through its `endpoints` option) and the real
 * @googleapis/gmail client (through `rootUrl`). Consent is automatic: the fake plays the
 * person pressing "Allow" (or "Cancel", see nextConsent).
 *
 * @example
 *   const google = await startGoogleFake({ clientId, clientSecret, redirectUris: [callback] });
 *   google.addMailbox('ann@acme.test');
 *   new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2AuthBaseUrl: google.authUrl, oauth2TokenUrl: google.tokenUrl } });
 *   gmail({ version: 'v1', auth, rootUrl: google.apiUrl });
 *   google.fail('ann@acme.test', 'revoked'); // the next refresh answers invalid_grant
 */
import { Hono, type Context } from 'hono';
import { createFakeState, normalizeEmail, type FakeBase, type FakeEnv } from './fake-state.ts';
import { googleJson, googlePage, GMAIL_ERRORS, TOKEN_ERRORS } from './google-errors.ts';
import { gmailMailboxes, type GmailMailboxes } from './gmail-mailbox.ts';
import { CODE_LIFETIME_MS, GrantStore } from './grants.ts';
import { consentScreen } from './google-consent.ts';
import { createIdTokenSigner, type IdTokenSigner } from './id-token-signer.ts';
import { clientCredentials, formBody, pkceMatches, randomToken, serveApp, stableDigits } from './oauth-common.ts';

export type GoogleFailMode =
  | 'revoked'
  | 'invalid_rapt'
  | 'admin_policy_enforced'
  | 'server_error'
  | 'rate_limited'
  | 'slow'
  | 'domain_policy'
  | 'insufficient_scope'
  | 'api_unauthorized';

export interface GoogleFakeOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** The fake's clock (ms), so tests can age codes and tokens without waiting. */
  now?: () => number;
}

export interface GoogleFake extends FakeBase<GoogleFailMode> {
  /** `${url}/o/oauth2/v2/auth`: google-auth-library's `endpoints.oauth2AuthBaseUrl`. */
  authUrl: string;
  /** `${url}/token`: `endpoints.oauth2TokenUrl`. */
  tokenUrl: string;
  /** `${url}/revoke`: `endpoints.oauth2RevokeUrl`. */
  revokeUrl: string;
  /** `${url}/`: the Gmail client's `rootUrl`. */
  apiUrl: string;
  /**
   * When on, the authorization URL first shows a consent screen with an "Allow" button, as
   * Google does, for tests that drive a real browser; off, it approves at once.
   */
  consentScreen: boolean;
  /** The Gmail mailboxes: deliver mail into an inbox, read what was sent. */
  gmail: Pick<GmailMailboxes, 'deliver' | 'sent' | 'expireHistory' | 'deleteForever'>;
  /**
   * The id_tokens: signed with a key published at `${url}/oauth2/v3/certs` (found through
   * `${url}/.well-known/openid-configuration`), issuer `url`. Change one (tamperNext) or every
   * token of an address (setClaims: `email_verified: false`, another `hd`).
   */
  idTokens: Pick<IdTokenSigner, 'tamperNext' | 'setClaims' | 'jwks'>;
}

const ACCESS_LIFETIME = 3599;
/** Google answers the short sign-in scopes with their long names in the token response. */
const LONG_NAMES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
const longName = (scope: string) => LONG_NAMES[scope] ?? scope;
const SIGN_IN_SCOPES = new Set(['openid', 'email', 'profile', LONG_NAMES.email, LONG_NAMES.profile]);
/** Any of these lets a token read users.getProfile. */
const PROFILE_SCOPES = ['https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.metadata'];

/** Google Workspace accounts carry `hd`, their domain; consumer (gmail) accounts do not. */
const hostedDomain = (email: string) => {
  const domain = email.split('@')[1] ?? '';
  return /(^|\.)gmail\./.test(domain) ? undefined : domain;
};

const bearer = (c: Context) => /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim() ?? null;

/** @example const google = await startGoogleFake({ clientId: 'id', clientSecret: 's', redirectUris: ['http://x/cb'] }); */
export async function startGoogleFake(options: GoogleFakeOptions): Promise<GoogleFake> {
  const now = options.now ?? Date.now;
  const state = createFakeState<GoogleFailMode>(now);
  const store = new GrantStore(now);
  const app = new Hono<FakeEnv>();
  app.use(state.record);
  const mail = gmailMailboxes(app, { store, state, now });
  const signer = await createIdTokenSigner();
  let url = '';

  // OpenID Connect discovery, as https://accounts.google.com/.well-known/openid-configuration.
  app.get('/.well-known/openid-configuration', (c) =>
    c.json({
      issuer: url,
      authorization_endpoint: `${url}/o/oauth2/v2/auth`,
      token_endpoint: `${url}/token`,
      jwks_uri: `${url}/oauth2/v3/certs`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  app.get('/oauth2/v3/certs', (c) => c.json(signer.jwks));

  app.get('/o/oauth2/v2/auth', (c) => {
    const q = new URL(c.req.url).searchParams;
    if (q.get('client_id') !== options.clientId) return googlePage(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!options.redirectUris.includes(redirectUri)) {
      return googlePage(400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`);
    }
    if (q.get('response_type') !== 'code') return googlePage(400, 'unsupported_response_type', `Invalid response_type: ${q.get('response_type') ?? ''}`);
    const challenge = q.get('code_challenge');
    if (!challenge) return googlePage(400, 'invalid_request', 'Missing required parameter: code_challenge');
    if (q.get('code_challenge_method') !== 'S256') return googlePage(400, 'invalid_request', 'Invalid code_challenge_method (this fake accepts S256 only)');
    const requested = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return googlePage(400, 'invalid_request', 'Missing required parameter: scope');

    if (fake.consentScreen && q.get('fake_allowed') !== '1') return consentScreen(q);
    const back = new URL(redirectUri);
    const stateParam = q.get('state');
    const consent = state.decideConsent(q.get('login_hint'));
    if (consent.kind === 'unknown') return googlePage(400, 'account_not_found', `Couldn't find your Google Account (${consent.email ?? 'no account known to the fake'})`);
    if (consent.kind === 'deny') {
      back.searchParams.set('error', 'access_denied');
      if (stateParam !== null) back.searchParams.set('state', stateParam);
      return c.redirect(back.toString(), 302);
    }
    c.set('email', consent.email);
    const allowed = consent.grantScopes ? new Set(consent.grantScopes.map(longName)) : null;
    const granted = requested.filter((s) => !allowed || SIGN_IN_SCOPES.has(s) || allowed.has(longName(s)));
    const code = randomToken('4/0A', 40);
    // Google hands out a refresh token on the first consent, and again only with prompt=consent.
    const offline = q.get('access_type') === 'offline' && (/\bconsent\b/.test(q.get('prompt') ?? '') || !store.hasOfflineGrant(consent.email, options.clientId));
    store.codes.set(code, { code, clientId: options.clientId, redirectUri, codeChallenge: challenge, email: consent.email, scopes: granted, offline, issuedAt: now(), used: false, nonce: q.get('nonce') ?? undefined });
    if (stateParam !== null) back.searchParams.set('state', stateParam);
    back.searchParams.set('code', code);
    back.searchParams.set('scope', [...new Set(granted.flatMap((s) => (LONG_NAMES[s] ? [s, LONG_NAMES[s]] : [s])))].join(' '));
    back.searchParams.set('authuser', '0');
    back.searchParams.set('prompt', 'consent');
    return c.redirect(back.toString(), 302);
  });

  app.post('/token', async (c) => {
    const form = await formBody(c);
    const grantType = form.get('grant_type');
    if (grantType) c.set('grantType', grantType);
    const client = clientCredentials(c, form);
    if (client.clientId !== options.clientId) return googleJson(401, TOKEN_ERRORS.clientNotFound);
    if (client.clientSecret !== options.clientSecret) return googleJson(401, TOKEN_ERRORS.invalidClient);

    if (grantType === 'authorization_code') {
      const code = store.codes.get(form.get('code') ?? '');
      if (code) c.set('email', code.email);
      await state.delayIfSlow(code?.email);
      if (!code || code.used || now() - code.issuedAt > CODE_LIFETIME_MS) return googleJson(400, TOKEN_ERRORS.badRequest);
      if (form.get('redirect_uri') !== code.redirectUri) return googleJson(400, TOKEN_ERRORS.redirectMismatch);
      const verifier = form.get('code_verifier');
      if (!verifier) return googleJson(400, TOKEN_ERRORS.missingVerifier);
      if (!pkceMatches(verifier, code.codeChallenge)) return googleJson(400, TOKEN_ERRORS.invalidVerifier);
      code.used = true;
      const scopes = [...new Set(code.scopes.map(longName))];
      const grant = store.newGrant(code.email, code.clientId, scopes, code.offline ? randomToken('1//0g', 60) : null);
      const access = store.issueAccess(grant, randomToken('ya29.a0A', 90), ACCESS_LIFETIME);
      const iat = Math.floor(now() / 1000);
      return googleJson(200, {
        access_token: access.token,
        expires_in: ACCESS_LIFETIME,
        ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
        scope: scopes.join(' '),
        token_type: 'Bearer',
        ...(scopes.includes('openid')
          ? {
              id_token: await signer.sign({
                iss: url,
                azp: options.clientId,
                aud: options.clientId,
                sub: stableDigits(`google-sub:${code.email}`, 21),
                email: code.email,
                email_verified: true,
                hd: hostedDomain(code.email),
                name: code.email.split('@')[0],
                nonce: code.nonce,
                iat,
                exp: iat + ACCESS_LIFETIME,
                ...signer.claimsFor(code.email),
              }),
            }
          : {}),
      });
    }

    if (grantType === 'refresh_token') {
      const found = store.lookupRefresh(form.get('refresh_token'));
      const email = found.state === 'unknown' ? undefined : found.grant.email;
      if (email) c.set('email', email);
      const failure = state.failureOf(email);
      await state.delayIfSlow(email);
      if (failure?.mode === 'revoked') return googleJson(400, TOKEN_ERRORS.revoked);
      if (failure?.mode === 'invalid_rapt') return googleJson(400, TOKEN_ERRORS.invalidRapt);
      if (failure?.mode === 'admin_policy_enforced') return googleJson(400, TOKEN_ERRORS.adminPolicyEnforced);
      if (failure?.mode === 'server_error') return googleJson(failure.status ?? 503, TOKEN_ERRORS.serverError);
      if (failure?.mode === 'rate_limited') return googleJson(429, TOKEN_ERRORS.rateLimited);
      // Google does not rotate refresh tokens, so a 'rotated' one cannot happen here.
      if (found.state !== 'current') return googleJson(400, TOKEN_ERRORS.revoked);
      if (found.grant.clientId !== client.clientId) return googleJson(401, TOKEN_ERRORS.unauthorizedClient);
      const access = store.issueAccess(found.grant, randomToken('ya29.a0A', 90), ACCESS_LIFETIME);
      return googleJson(200, { access_token: access.token, expires_in: ACCESS_LIFETIME, scope: found.grant.scopes.join(' '), token_type: 'Bearer' });
    }

    return googleJson(400, grantType ? TOKEN_ERRORS.unsupportedGrant(grantType) : TOKEN_ERRORS.missingParameter('grant_type'));
  });

  app.post('/revoke', async (c) => {
    const token = new URL(c.req.url).searchParams.get('token') ?? (await formBody(c)).get('token');
    // Revoking either token of a grant ends the whole grant, as Google documents.
    const grant = token ? store.revokeToken(token) : null;
    if (!grant) return googleJson(400, TOKEN_ERRORS.revokeUnknown);
    c.set('email', grant.email);
    return googleJson(200, {});
  });

  app.get('/gmail/v1/users/:userId/profile', async (c) => {
    const token = bearer(c);
    if (!token) return GMAIL_ERRORS.missingCredentials();
    const access = store.activeAccess(token);
    const email = store.findAccess(token)?.email;
    if (email) c.set('email', email);
    const failure = state.failureOf(email);
    await state.delayIfSlow(email);
    if (!access || failure?.mode === 'api_unauthorized') return GMAIL_ERRORS.invalidCredentials();
    if (failure?.mode === 'domain_policy') return GMAIL_ERRORS.domainPolicy();
    if (failure?.mode === 'insufficient_scope' || !access.scopes.some((s) => PROFILE_SCOPES.includes(s))) {
      return GMAIL_ERRORS.insufficientScope('caribou.api.proto.MailboxService.GetProfile', PROFILE_SCOPES);
    }
    const userId = c.req.param('userId');
    if (userId !== 'me' && normalizeEmail(userId) !== access.email) return GMAIL_ERRORS.delegationDenied(userId);
    return googleJson(200, { emailAddress: access.email, messagesTotal: 0, threadsTotal: 0, historyId: mail.historyId() });
  });

  const served = await serveApp(app);
  url = served.url;
  const fake: GoogleFake = {
    idTokens: signer,
    consentScreen: false,
    url,
    authUrl: `${url}/o/oauth2/v2/auth`,
    tokenUrl: `${url}/token`,
    revokeUrl: `${url}/revoke`,
    apiUrl: `${url}/`,
    gmail: mail,
    requests: state.requests,
    nextConsent: state.nextConsent,
    addMailbox: state.addMailbox,
    fail: state.fail,
    revoke: (email) => store.revokeMailbox(normalizeEmail(email)),
    validRefreshTokens: (email) => store.validRefreshTokens(normalizeEmail(email)),
    async close() {
      state.closing.abort();
      await served.close();
    },
  };
  return fake;
}
