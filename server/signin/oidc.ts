/**
 * Signing people in with Google or Microsoft: OpenID Connect's code flow with PKCE, `state`
 * and `nonce`, scopes `openid email profile` only, and the id_token verified with jose against
 * the provider's published keys (found through its discovery document): signature, `aud`,
 * `exp`, `nonce` and `iss` (Google: the origin of GOOGLE_AUTH_URL; Microsoft: LOGIN_URL/{tid}/v2.0).
 * Unlike a mailbox grant, this id_token is what lets a person in, so it is verified whole.
 *
 * @example
 *   const google = oidcProvider('google', config);
 *   res.redirect(google.authorizeUrl({ state, nonce, codeChallenge, redirectUri }));
 *   const claims = await google.signIn(code, verifier, redirectUri, nonce); // or throws SigninRefused
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config/index.ts';
import { SigninRefused } from './errors.ts';

export type SigninProvider = 'google' | 'microsoft';

/** What a verified id_token says about the person. */
export interface VerifiedPerson {
  provider: SigninProvider;
  /** Stable id at the provider: Google `sub`, Microsoft `tid:oid`. */
  subject: string;
  email: string | null;
  name: string | null;
  /** Google: `email_verified`. Microsoft: `xms_edov` (the domain owner verified the address). */
  emailVerified: boolean;
  /** Google Workspace domain (`hd`). */
  hostedDomain: string | null;
  /** Microsoft tenant (`tid`). */
  tenant: string | null;
}

export interface OidcProvider {
  kind: SigninProvider;
  label: string;
  configured: boolean;
  /** The provider's origin, for the sign-in page's form-action. */
  origin: string;
  authorizeUrl(p: { state: string; nonce: string; codeChallenge: string; redirectUri: string }): string;
  signIn(code: string, codeVerifier: string, redirectUri: string, nonce: string): Promise<VerifiedPerson>;
}

const SCOPE = 'openid email profile';
const TIMEOUT_MS = 10_000;

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!response.ok) throw new SigninRefused('provider_error', `the provider's ${new URL(url).pathname} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The key set named by a discovery document, fetched once and kept (jose refreshes it on an unknown `kid`). */
function keySet(discoveryUrl: string) {
  let keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  return async () => {
    if (keys) return keys;
    const doc = await getJson(discoveryUrl);
    if (typeof doc.jwks_uri !== 'string') throw new SigninRefused('provider_error', 'the provider’s discovery document names no jwks_uri');
    keys = createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: TIMEOUT_MS });
    return keys;
  };
}

/** jose's refusals in plain words, with a code each. */
function refusal(error: unknown): SigninRefused {
  if (error instanceof SigninRefused) return error;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return new SigninRefused('id_token_signature', 'The sign-in answer was not signed by the provider’s published keys.');
  }
  if (error instanceof errors.JWTExpired) return new SigninRefused('id_token_expired', 'The sign-in answer has expired. Start again.');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return new SigninRefused('id_token_audience', 'The sign-in answer was issued for another application.');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return new SigninRefused('id_token_issuer', 'The sign-in answer did not come from the expected issuer.');
  return new SigninRefused('id_token_invalid', `The sign-in answer could not be verified (${error instanceof Error ? error.message : String(error)}).`);
}

async function tokenRequest(url: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const why = [body.error, body.error_description].filter((v) => typeof v === 'string').join(': ') || `status ${response.status}`;
    throw new SigninRefused('provider_error', `The provider refused the sign-in (${why.slice(0, 200)}).`);
  }
  if (typeof body.id_token !== 'string') throw new SigninRefused('provider_error', 'The provider answered without an id_token.');
  return body.id_token;
}

function checkNonce(payload: JWTPayload, nonce: string): void {
  if (payload.nonce !== nonce) throw new SigninRefused('id_token_nonce', 'The sign-in answer belongs to another sign-in (its nonce differs). Start again.');
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

function google(config: Config): OidcProvider {
  const { clientId, clientSecret, authUrl, tokenUrl } = config.google;
  const issuer = new URL(authUrl).origin;
  // Google's documented issuers: with and without the scheme.
  const issuers = issuer === 'https://accounts.google.com' ? [issuer, 'accounts.google.com'] : [issuer];
  const keys = keySet(`${issuer}/.well-known/openid-configuration`);
  return {
    kind: 'google',
    label: 'Google',
    configured: !!clientId,
    origin: issuer,
    authorizeUrl(p) {
      const url = new URL(authUrl);
      const params = { client_id: clientId ?? '', response_type: 'code', redirect_uri: p.redirectUri, scope: SCOPE, state: p.state, nonce: p.nonce, code_challenge: p.codeChallenge, code_challenge_method: 'S256', prompt: 'select_account' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },
    async signIn(code, codeVerifier, redirectUri, nonce) {
      const idToken = await tokenRequest(tokenUrl, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri, client_id: clientId ?? '', client_secret: clientSecret ?? '' });
      try {
        const { payload } = await jwtVerify(idToken, await keys(), { issuer: issuers, audience: clientId ?? '', requiredClaims: ['sub', 'exp'] });
        checkNonce(payload, nonce);
        return { provider: 'google', subject: String(payload.sub), email: text(payload.email)?.toLowerCase() ?? null, name: text(payload.name), emailVerified: payload.email_verified === true, hostedDomain: text(payload.hd)?.toLowerCase() ?? null, tenant: null };
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}

function microsoft(config: Config): OidcProvider {
  const { clientId, clientSecret, loginUrl, tenant } = config.microsoft;
  const endpoint = (name: string) => `${loginUrl}/${encodeURIComponent(tenant)}/oauth2/v2.0/${name}`;
  const keys = keySet(`${loginUrl}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`);
  return {
    kind: 'microsoft',
    label: 'Microsoft',
    configured: !!clientId,
    origin: new URL(loginUrl).origin,
    authorizeUrl(p) {
      const url = new URL(endpoint('authorize'));
      const params = { client_id: clientId ?? '', response_type: 'code', response_mode: 'query', redirect_uri: p.redirectUri, scope: SCOPE, state: p.state, nonce: p.nonce, code_challenge: p.codeChallenge, code_challenge_method: 'S256', prompt: 'select_account' };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },
    async signIn(code, codeVerifier, redirectUri, nonce) {
      const idToken = await tokenRequest(endpoint('token'), { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri, client_id: clientId ?? '', client_secret: clientSecret ?? '', scope: SCOPE });
      try {
        // The issuer is per tenant: the template filled with the token's own `tid`, which the
        // signature then vouches for.
        const tid = text(decodeJwt(idToken).tid);
        if (!tid || !/^[0-9a-f-]{36}$/i.test(tid)) throw new SigninRefused('id_token_issuer', 'The sign-in answer names no Microsoft tenant.');
        const { payload } = await jwtVerify(idToken, await keys(), { issuer: `${loginUrl}/${tid}/v2.0`, audience: clientId ?? '', requiredClaims: ['oid', 'exp'] });
        checkNonce(payload, nonce);
        return { provider: 'microsoft', subject: `${tid.toLowerCase()}:${String(payload.oid)}`, email: text(payload.email)?.toLowerCase() ?? null, name: text(payload.name), emailVerified: [true, 1, 'true', '1'].includes(payload.xms_edov as never), hostedDomain: null, tenant: tid.toLowerCase() };
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}

/** Both providers as configured. */
export function oidcProviders(config: Config): Record<SigninProvider, OidcProvider> {
  return { google: google(config), microsoft: microsoft(config) };
}
