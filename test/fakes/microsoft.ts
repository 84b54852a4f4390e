/**
 * A stateful stand-in for the Microsoft identity platform v2.0 endpoints (authorize + token,
 * code + PKCE, confidential client), plus a token introspection endpoint so that Dovecot's
 * oauth2 passdb and smtp-server can accept the access tokens it issues for IMAP/SMTP XOAUTH2.
 * Refresh tokens rotate on every refresh and the old one stops working at once: stricter
 * than Entra on purpose, it catches a server that forgets to store the rotated token.
 *
 * @example
 *   const ms = await startMicrosoftFake({ clientId, clientSecret, redirectUris: [callback] });
 *   ms.addMailbox('mia@contoso.test');
 *   fetch(`${ms.loginUrl}/common/oauth2/v2.0/token`, { method: 'POST', body: form });
 *   startDovecot(users, { oauthIntrospectionUrl: ms.introspectionUrl });
 *   startSmtp(users, { checkOAuthToken: ms.checkAccessToken });
 */
import { Hono, type Context } from 'hono';
import { createFakeState, normalizeEmail, type FakeBase, type FakeEnv } from './fake-state.ts';
import { CODE_LIFETIME_MS, GrantStore, type Grant } from './grants.ts';
import { AAD, aadJson, aadPage, type AadError } from './microsoft-errors.ts';
import { createIdTokenSigner, type IdTokenSigner } from './id-token-signer.ts';
import { clientCredentials, formBody, pkceMatches, randomToken, serveApp, stableUuid, unsignedJwt } from './oauth-common.ts';

export type MicrosoftFailMode =
  | 'revoked'
  | 'expired'
  | 'mfa_required'
  | 'consent_required'
  | 'bad_secret'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'rate_limited'
  | 'slow'
  | 'imap_rejected';

export interface MicrosoftFakeOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** The tenant the server is configured with: 'common' (default), 'organizations', 'consumers', a tenant id or a domain. */
  tenant?: string;
  /** The fake's clock (ms), so tests can age codes and tokens without waiting. */
  now?: () => number;
}

export interface MicrosoftFake extends FakeBase<MicrosoftFailMode> {
  /** The login host: the server builds `${loginUrl}/${tenant}/oauth2/v2.0/authorize` and `/token`. */
  loginUrl: string;
  /** Dovecot's oauth2 passdb `introspection_url` (POST `token=…`). */
  introspectionUrl: string;
  /** The directory (tenant) id in id_tokens (`tid`). */
  tenantId: string;
  /** For smtp-server's XOAUTH2: the token is a live access token of that mailbox, and not 'imap_rejected'. */
  checkAccessToken(user: string, accessToken: string): boolean;
  /**
   * Sets a user's directory mail attribute, which becomes the id_token's `email` claim. Any
   * tenant admin can set it to any address (the "nOAuth" problem): it proves nothing.
   */
  setMailAttribute(user: string, address: string): void;
  /**
   * The id_tokens: signed with a key published at `${loginUrl}/common/discovery/v2.0/keys`
   * (found through `${loginUrl}/{tenant}/v2.0/.well-known/openid-configuration`), issuer
   * `${loginUrl}/{tid}/v2.0`. Change one (tamperNext) or every token of a user (setClaims:
   * another `tid`, `xms_edov`).
   */
  idTokens: Pick<IdTokenSigner, 'tamperNext' | 'setClaims' | 'jwks'>;
}

const LIFETIME = 3599;
const MSA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIGN_IN_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** A scope without a resource means Microsoft Graph, as Entra reads it. */
const fullScope = (s: string) => (SIGN_IN_SCOPES.has(s) || /^(https?|api):\/\//.test(s) ? s : `https://graph.microsoft.com/${s}`);
const scopesOf = (value: string | null) => (value ?? '').split(/\s+/).filter(Boolean).map(fullScope);
const resourceScopes = (scopes: string[]) => scopes.filter((s) => !SIGN_IN_SCOPES.has(s));

/** Refresh failures the fake can be told to answer for a mailbox. */
const REFRESH_FAILURES: Partial<Record<MicrosoftFailMode, (g: { grant?: Grant; clientId: string; status?: number; now: number }) => AadError>> = {
  revoked: ({ grant, now }) => AAD.revoked(grant?.issuedAt ?? now, now),
  expired: ({ grant, now }) => AAD.expiredInactive(grant?.issuedAt ?? now),
  mfa_required: () => AAD.mfaRequired(),
  consent_required: ({ clientId }) => AAD.consentRequired(clientId),
  bad_secret: ({ clientId }) => AAD.badSecret(clientId),
  server_error: ({ status }) => AAD.serverError(status),
  temporarily_unavailable: ({ status }) => AAD.temporarilyUnavailable(status),
  rate_limited: () => AAD.rateLimited(),
};

/** @example const ms = await startMicrosoftFake({ clientId: 'id', clientSecret: 's', redirectUris: ['http://x/cb'] }); */
export async function startMicrosoftFake(options: MicrosoftFakeOptions): Promise<MicrosoftFake> {
  const now = options.now ?? Date.now;
  const configured = (options.tenant ?? 'common').toLowerCase();
  const tenantId = GUID.test(configured) ? configured : configured === 'consumers' ? MSA_TENANT : stableUuid(`tenant:${options.clientId}`);
  const tenants = new Set(['common', 'organizations', 'consumers', tenantId, configured]);
  const state = createFakeState<MicrosoftFailMode>(now);
  const store = new GrantStore(now);
  const app = new Hono<FakeEnv>();
  app.use(state.record);
  let url = '';
  const mailAttributes = new Map<string, string>();
  const signer = await createIdTokenSigner();
  // OpenID Connect discovery and the published keys, at the paths Entra serves them.
  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) =>
    c.json({
      issuer: `${url}/{tenantid}/v2.0`,
      authorization_endpoint: `${url}/${c.req.param('tenant')}/oauth2/v2.0/authorize`,
      token_endpoint: `${url}/${c.req.param('tenant')}/oauth2/v2.0/token`,
      jwks_uri: `${url}/common/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  );
  app.get('/common/discovery/v2.0/keys', (c) => c.json(signer.jwks));
  const trace = (c: Context) => ({ now: now(), correlationId: c.req.header('client-request-id') });

  app.get('/:tenant/oauth2/v2.0/authorize', (c) => {
    const page = (e: AadError) => aadPage(e, trace(c));
    const tenant = c.req.param('tenant');
    const q = new URL(c.req.url).searchParams;
    if (!tenants.has(tenant.toLowerCase())) return page(AAD.tenantNotFound(tenant));
    const clientId = q.get('client_id') ?? '';
    if (clientId !== options.clientId) return page(AAD.appNotFound(clientId, tenant));
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!options.redirectUris.includes(redirectUri)) return page(AAD.replyUrlNotRegistered(redirectUri, clientId));

    // From here on Entra can send the browser back, so errors travel in the redirect.
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      const stateParam = q.get('state');
      if (stateParam !== null) target.searchParams.set('state', stateParam);
      return c.redirect(target.toString(), 302);
    };
    const refuse = (e: AadError) => back({ error: e.error, error_description: `AADSTS${e.code}: ${e.message}` });
    if (q.get('response_type') !== 'code') return refuse(AAD.invalidParameter('response_type'));
    const challenge = q.get('code_challenge');
    if (!challenge) return refuse(AAD.missingParameter('code_challenge'));
    if (q.get('code_challenge_method') !== 'S256') return refuse(AAD.invalidParameter('code_challenge_method'));
    const requested = scopesOf(q.get('scope'));
    if (requested.length === 0) return refuse(AAD.missingParameter('scope'));

    const consent = state.decideConsent(q.get('login_hint'));
    if (consent.kind === 'unknown') return page(AAD.userNotFound(consent.email ?? '(no account known to the fake)', tenant));
    if (consent.kind === 'deny') return back({ error: 'access_denied', error_subcode: 'cancel', error_description: 'AADSTS65004: User declined to consent to access the app.' });
    c.set('email', consent.email);
    const allowed = consent.grantScopes ? new Set(consent.grantScopes.map(fullScope)) : null;
    const granted = [...new Set(requested.filter((s) => !allowed || SIGN_IN_SCOPES.has(s) || allowed.has(s)))];
    const code = randomToken('1.AXoA', 48);
    store.codes.set(code, {
      code,
      clientId,
      redirectUri,
      codeChallenge: challenge,
      email: consent.email,
      scopes: granted,
      offline: granted.includes('offline_access'),
      issuedAt: now(),
      used: false,
      tenant: tenant.toLowerCase(),
      nonce: q.get('nonce') ?? undefined,
    });
    return back({ code }); // Entra does not say the granted scopes here; the token answer does
  });

  async function tokenAnswer(c: Context, grant: Grant, nonce?: string): Promise<Response> {
    const iat = Math.floor(now() / 1000);
    const oid = stableUuid(`oid:${grant.email}`);
    const resources = resourceScopes(grant.scopes);
    const access = store.issueAccess(
      grant,
      unsignedJwt({
        aud: 'https://outlook.office.com',
        iss: `https://sts.windows.net/${tenantId}/`,
        iat,
        nbf: iat,
        exp: iat + LIFETIME,
        appid: options.clientId,
        oid,
        tid: tenantId,
        scp: resources.map((s) => s.replace(/^.*\//, '')).join(' '),
        upn: grant.email,
        unique_name: grant.email,
        uti: randomToken('', 16),
        ver: '1.0',
      }),
      LIFETIME,
    );
    const name = grant.email.split('@')[0].replace(/^./, (ch) => ch.toUpperCase());
    const extra = signer.claimsFor(grant.email);
    const tid = typeof extra.tid === 'string' ? extra.tid : tenantId;
    const idToken = await signer.sign({
      aud: options.clientId,
      iss: `${url}/${tid}/v2.0`,
      iat,
      nbf: iat,
      exp: iat + LIFETIME,
      email: mailAttributes.get(grant.email) ?? grant.email,
      name,
      oid,
      preferred_username: grant.email,
      sub: stableUuid(`sub:${options.clientId}:${grant.email}`),
      tid: tenantId,
      ver: '2.0',
      nonce,
      ...extra,
    });
    return c.json(
      {
        token_type: 'Bearer',
        scope: resources.join(' '),
        expires_in: LIFETIME,
        ext_expires_in: LIFETIME,
        access_token: access.token,
        ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
        ...(grant.scopes.includes('openid') ? { id_token: idToken } : {}),
      },
      200,
      { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    );
  }

  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const reply = (e: AadError) => aadJson(e, trace(c));
    const tenant = c.req.param('tenant').toLowerCase();
    const form = await formBody(c);
    const grantType = form.get('grant_type');
    if (grantType) c.set('grantType', grantType);
    if (!tenants.has(tenant)) return reply(AAD.tenantNotFound(c.req.param('tenant')));
    const client = clientCredentials(c, form);
    if (!client.clientId) return reply(AAD.missingParameter('client_id'));
    if (client.clientId !== options.clientId) return reply(AAD.appNotFound(client.clientId, tenant));
    if (!client.clientSecret) return reply(AAD.missingSecret());
    if (client.clientSecret !== options.clientSecret) return reply(AAD.badSecret(options.clientId));

    if (grantType === 'authorization_code') {
      const value = form.get('code');
      if (!value) return reply(AAD.missingParameter('code'));
      const code = store.codes.get(value);
      if (code) c.set('email', code.email);
      await state.delayIfSlow(code?.email);
      if (!code) return reply(AAD.malformedGrant());
      if (code.used) return reply(AAD.codeRedeemed());
      if (now() - code.issuedAt > CODE_LIFETIME_MS) return reply(AAD.codeExpired());
      if (code.tenant !== tenant) return reply(AAD.codeForOtherTenant());
      const redirectUri = form.get('redirect_uri');
      if (!redirectUri) return reply(AAD.missingParameter('redirect_uri'));
      if (redirectUri !== code.redirectUri) return reply(AAD.replyUrlDiffers(redirectUri, code.redirectUri));
      const verifier = form.get('code_verifier');
      if (!verifier) return reply(AAD.missingParameter('code_verifier'));
      if (!pkceMatches(verifier, code.codeChallenge)) return reply(AAD.verifierMismatch());
      code.used = true;
      return tokenAnswer(c, store.newGrant(code.email, code.clientId, code.scopes, code.offline ? randomToken('1.AXoA', 96) : null), code.nonce);
    }

    if (grantType === 'refresh_token') {
      const token = form.get('refresh_token');
      if (!token) return reply(AAD.missingParameter('refresh_token'));
      const found = store.lookupRefresh(token);
      const grant = found.state === 'unknown' ? undefined : found.grant;
      if (grant) c.set('email', grant.email);
      await state.delayIfSlow(grant?.email);
      // A client that gave up (its check timed out) never saw a new token: do not rotate
      // it away under it. Entra keeps old refresh tokens valid anyway; this fake is stricter.
      if (c.req.raw.signal.aborted) return c.body(null, 499 as never);
      const failure = state.failureOf(grant?.email);
      const injected = failure && REFRESH_FAILURES[failure.mode];
      if (injected) return reply(injected({ grant, clientId: options.clientId, status: failure.status, now: now() }));
      if (found.state === 'unknown') return reply(AAD.malformedGrant());
      if (found.state === 'revoked') return reply(AAD.revoked(found.grant.issuedAt, now()));
      if (found.state === 'rotated') return reply(AAD.rotatedAway());
      // Asking for a resource scope the person never granted is a consent question.
      if (resourceScopes(scopesOf(form.get('scope'))).some((s) => !found.grant.scopes.includes(s))) return reply(AAD.consentRequired(options.clientId));
      store.rotate(found.grant, randomToken('1.AXoA', 96));
      return tokenAnswer(c, found.grant);
    }

    return reply(grantType ? AAD.unsupportedGrant(grantType) : AAD.missingParameter('grant_type'));
  });

  /**
   * RFC 7662-style introspection for Dovecot 2.3's oauth2 passdb. What Dovecot 2.3.19 does
   * with the answer (found by trying it): it checks `active_attribute`/`active_value` first,
   * so a bare {"active":false} is a definitive NO [AUTHENTICATIONFAILED]. Then it needs
   * `username_attribute` in the answer ({"active":true} alone is a *temporary* failure,
   * NO [UNAVAILABLE]) and compares it with the login user after applying `username_format`
   * (default %Lu, lowercased) to both: a different mailbox's token is refused, the case of
   * the address does not matter, and the login never becomes the introspected user.
   */
  app.post('/introspect', async (c) => {
    const token = (await formBody(c)).get('token');
    const email = store.findAccess(token)?.email;
    if (email) c.set('email', email);
    await state.delayIfSlow(email);
    const access = store.activeAccess(token);
    if (!access || state.failureOf(access.email)?.mode === 'imap_rejected') return c.json({ active: false });
    return c.json({
      active: true,
      username: access.email,
      scope: resourceScopes(access.scopes).join(' '),
      client_id: options.clientId,
      token_type: 'Bearer',
      exp: Math.floor(access.expiresAt / 1000),
      sub: stableUuid(`oid:${access.email}`),
    });
  });

  const served = await serveApp(app);
  url = served.url;
  return {
    url,
    loginUrl: url,
    introspectionUrl: `${url}/introspect`,
    tenantId,
    requests: state.requests,
    nextConsent: state.nextConsent,
    addMailbox: state.addMailbox,
    fail: state.fail,
    revoke: (email) => store.revokeMailbox(normalizeEmail(email)),
    validRefreshTokens: (email) => store.validRefreshTokens(normalizeEmail(email)),
    setMailAttribute: (user, address) => void mailAttributes.set(normalizeEmail(user), address),
    idTokens: signer,
    checkAccessToken(user, accessToken) {
      const access = store.activeAccess(accessToken);
      return !!access && access.email === normalizeEmail(user) && state.failureOf(access.email)?.mode !== 'imap_rejected';
    },
    async close() {
      state.closing.abort();
      await served.close();
    },
  };
}
