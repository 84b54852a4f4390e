/**
 * The Google fake, driven by the real google-auth-library OAuth2Client and @googleapis/gmail,
 * behaves like Google: consent, code + PKCE exchange, refresh, the Gmail profile, and the
 * documented refusals. Also measures what gaxios' own retrying does to a failing refresh.
 */
import { randomBytes } from 'node:crypto';
import { gmail } from '@googleapis/gmail';
import { OAuth2Client, CodeChallengeMethod, type Credentials } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleFake, type GoogleFailMode, type GoogleFake } from './google.ts';

const CLIENT = { clientId: 'regrant-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-test-secret' };
const CALLBACK = 'http://regrant.test/oauth/google/callback';
const SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'];
let google: GoogleFake;

beforeAll(async () => {
  google = await startGoogleFake({ ...CLIENT, redirectUris: [CALLBACK] });
  for (const m of ['ann@acme.test', 'bob@acme.test', 'cat@acme.test', 'dan@acme.test']) google.addMailbox(m);
});
afterAll(() => google?.close());

function client(fake = google): OAuth2Client {
  return new OAuth2Client({ ...CLIENT, redirectUri: CALLBACK, endpoints: { oauth2AuthBaseUrl: fake.authUrl, oauth2TokenUrl: fake.tokenUrl, oauth2RevokeUrl: fake.revokeUrl } });
}

/** A client whose requests are made once: gaxios' own retries turned off, as Regrant does. */
function singleShot(fake = google): OAuth2Client {
  const oauth = client(fake);
  oauth.transporter.interceptors.request.add({
    resolved: async (request) => {
      request.retry = false;
      delete request.retryConfig;
      return request;
    },
  });
  return oauth;
}

/** Opens the consent URL the way a browser would and reads where Google sends it back. */
async function consent(oauth: OAuth2Client, loginHint: string, extra: { prompt?: string } = {}) {
  const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
  const state = randomBytes(8).toString('hex');
  const url = oauth.generateAuthUrl({ access_type: 'offline', prompt: 'consent', login_hint: loginHint, scope: SCOPES, state, code_challenge: codeChallenge, code_challenge_method: CodeChallengeMethod.S256, ...extra });
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.status === 302 ? new URL(res.headers.get('location')!) : null;
  return { res, location, state, codeVerifier, code: location?.searchParams.get('code') ?? '' };
}

async function rejection(promise: Promise<unknown>): Promise<{ response?: { status: number; data: unknown; headers: Headers } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a refusal, got a success');
}

/**
 * A client holding only an access token. No expiry_date: google-auth-library treats a token
 * that expires within 5 minutes (eagerRefreshThresholdMillis) as expired and, with no refresh
 * token, fails with "No refresh token is set." before sending anything.
 */
function holding(accessToken: string, fake = google): OAuth2Client {
  const oauth = client(fake);
  oauth.setCredentials({ access_token: accessToken });
  return oauth;
}

const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const profile = (auth: OAuth2Client) => gmail({ version: 'v1', auth, rootUrl: google.apiUrl }).users.getProfile({ userId: 'me' });

describe('Google fake', () => {
  it('a mailbox consents, trades its code with PKCE, refreshes, and Gmail names it', async () => {
    const oauth = client();
    const { location, state, codeVerifier, code } = await consent(oauth, 'ann@acme.test');
    expect(`${location!.origin}${location!.pathname}`).toBe(CALLBACK);
    expect(location!.searchParams.get('state')).toBe(state);
    expect(location!.searchParams.get('scope')!.split(' ')).toContain('https://www.googleapis.com/auth/gmail.readonly');

    const { tokens } = await oauth.getToken({ code, codeVerifier });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.token_type).toBe('Bearer');
    // Google answers "email" with its long name.
    expect(tokens.scope!.split(' ').sort()).toEqual(['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/userinfo.email', 'openid']);
    expect(payload(tokens.id_token!)).toMatchObject({ iss: google.url, aud: CLIENT.clientId, email: 'ann@acme.test', email_verified: true });

    oauth.setCredentials(tokens);
    const before = google.requests.length;
    const { credentials } = await oauth.refreshAccessToken();
    expect(credentials.access_token).not.toBe(tokens.access_token);
    expect(credentials.refresh_token).toBe(tokens.refresh_token); // Google does not rotate
    expect(google.validRefreshTokens('ann@acme.test')).toEqual([tokens.refresh_token]);
    expect(google.requests.slice(before)).toMatchObject([{ method: 'POST', path: '/token', grantType: 'refresh_token', email: 'ann@acme.test', status: 200 }]);

    const { data } = await profile(oauth);
    expect(data).toEqual({ emailAddress: 'ann@acme.test', messagesTotal: 0, threadsTotal: 0, historyId: '1' });
  });

  it('refuses a wrong verifier, a reused code and a revoked grant with Google’s bodies', async () => {
    const oauth = client();
    const { code, codeVerifier } = await consent(oauth, 'bob@acme.test');
    const wrong = await rejection(oauth.getToken({ code, codeVerifier: codeVerifier.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }));
    expect(wrong.response).toMatchObject({ status: 400, data: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } });

    const { tokens } = await oauth.getToken({ code, codeVerifier });
    const reused = await rejection(oauth.getToken({ code, codeVerifier }));
    expect(reused.response).toMatchObject({ status: 400, data: { error: 'invalid_grant', error_description: 'Bad Request' } });

    google.revoke('bob@acme.test');
    oauth.setCredentials(tokens);
    const revoked = await rejection(oauth.refreshAccessToken());
    expect(revoked.response?.status).toBe(400);
    expect(revoked.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(google.validRefreshTokens('bob@acme.test')).toEqual([]);

    const unauthorized = await rejection(profile(holding(tokens.access_token!)));
    expect(unauthorized.response?.status).toBe(401);
    expect(unauthorized.response?.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/", error="invalid_token"');
    expect(unauthorized.response?.data).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] } });
  });

  it('Gmail answers a token without a read scope, and a domain that disabled Gmail apps, as documented', async () => {
    const oauth = client();
    google.nextConsent({ grantScopes: ['https://www.googleapis.com/auth/gmail.send'] });
    const narrow = await consent(oauth, 'cat@acme.test');
    expect(narrow.location!.searchParams.get('scope')).not.toContain('gmail.readonly');
    const { tokens } = await oauth.getToken({ code: narrow.code, codeVerifier: narrow.codeVerifier });
    oauth.setCredentials(tokens);
    const scope = await rejection(profile(oauth));
    expect(scope.response?.status).toBe(403);
    expect(scope.response?.data).toMatchObject({
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }],
      },
    });

    const full = await consent(oauth, 'cat@acme.test');
    oauth.setCredentials((await oauth.getToken({ code: full.code, codeVerifier: full.codeVerifier })).tokens);
    google.fail('cat@acme.test', 'domain_policy');
    const policy = await rejection(profile(oauth));
    expect(policy.response?.status).toBe(403);
    expect(policy.response?.data).toMatchObject({ error: { errors: [{ reason: 'domainPolicy', domain: 'global' }], status: 'PERMISSION_DENIED' } });
    google.fail('cat@acme.test', null);
    expect((await profile(oauth)).data.emailAddress).toBe('cat@acme.test');
  });

  it('sends Cancel back as access_denied, and shows error pages for what cannot go back', async () => {
    google.nextConsent({ deny: true });
    const denied = await consent(client(), 'ann@acme.test');
    expect(denied.location!.searchParams.get('error')).toBe('access_denied');
    expect(denied.location!.searchParams.get('state')).toBe(denied.state);
    expect(denied.location!.searchParams.has('code')).toBe(false);

    const stranger = await consent(client(), 'nobody@acme.test');
    expect(stranger.res.status).toBe(400);

    const elsewhere = new OAuth2Client({ ...CLIENT, redirectUri: 'http://evil.test/cb', endpoints: { oauth2AuthBaseUrl: google.authUrl } });
    const mismatch = await consent(elsewhere, 'ann@acme.test');
    expect(mismatch.res.status).toBe(400);
    expect(await mismatch.res.text()).toContain('Error 400: redirect_uri_mismatch');

    const unknownApp = new OAuth2Client({ clientId: 'other', redirectUri: CALLBACK, endpoints: { oauth2AuthBaseUrl: google.authUrl } });
    const notFound = await consent(unknownApp, 'ann@acme.test');
    expect(notFound.res.status).toBe(401);
    expect(await notFound.res.text()).toContain('Error 401: invalid_client');
  });

  it('gives a refresh token again only with prompt=consent, like Google', async () => {
    const oauth = client();
    const first = await consent(oauth, 'dan@acme.test');
    expect((await oauth.getToken({ code: first.code, codeVerifier: first.codeVerifier })).tokens.refresh_token).toBeTruthy();
    const silent = await consent(oauth, 'dan@acme.test', { prompt: 'select_account' });
    expect((await oauth.getToken({ code: silent.code, codeVerifier: silent.codeVerifier })).tokens.refresh_token).toBeUndefined();
  });

  it('ages codes (10 min) and access tokens (3599 s) on its own clock', async () => {
    let clock = Date.now();
    const aging = await startGoogleFake({ ...CLIENT, redirectUris: [CALLBACK], now: () => clock });
    try {
      aging.addMailbox('ann@acme.test');
      const oauth = client(aging);
      const late = await consent(oauth, 'ann@acme.test');
      clock += 10 * 60_000 + 1;
      expect((await rejection(oauth.getToken({ code: late.code, codeVerifier: late.codeVerifier }))).response?.data).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });

      const ok = await consent(oauth, 'ann@acme.test');
      const { tokens } = await oauth.getToken({ code: ok.code, codeVerifier: ok.codeVerifier });
      const api = (auth: OAuth2Client) => gmail({ version: 'v1', auth, rootUrl: aging.apiUrl }).users.getProfile({ userId: 'me' });
      const holder = holding(tokens.access_token!, aging);
      expect((await api(holder)).status).toBe(200);
      clock += 3599_000;
      expect((await rejection(api(holder))).response?.status).toBe(401);
    } finally {
      await aging.close();
    }
  });

  const refusals: Array<[GoogleFailMode, number, object]> = [
    ['revoked', 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }],
    ['invalid_rapt', 400, { error: 'invalid_grant', error_subtype: 'invalid_rapt', error_uri: 'https://support.google.com/a/answer/9368756' }],
    ['admin_policy_enforced', 400, { error: 'admin_policy_enforced' }],
    ['rate_limited', 429, { error: 'rate_limit_exceeded', error_description: 'Rate Limit Exceeded' }],
    ['server_error', 500, { error: 'internal_failure' }],
  ];
  it.each(refusals)('injected %s answers a refresh with %i', async (mode, status, body) => {
    const oauth = singleShot();
    const { code, codeVerifier } = await consent(oauth, 'dan@acme.test');
    oauth.setCredentials((await oauth.getToken({ code, codeVerifier })).tokens);
    google.fail('dan@acme.test', mode, { status });
    try {
      expect((await rejection(oauth.refreshAccessToken())).response).toMatchObject({ status, data: body });
    } finally {
      google.fail('dan@acme.test', null);
    }
    expect((await oauth.refreshAccessToken()).credentials.access_token).toBeTruthy(); // the grant itself is fine
  });

  it('holds answers for slow mailboxes, then answers normally', async () => {
    const oauth = singleShot();
    const { code, codeVerifier } = await consent(oauth, 'ann@acme.test');
    oauth.setCredentials((await oauth.getToken({ code, codeVerifier })).tokens);
    google.fail('ann@acme.test', 'slow', { slowMs: 300 });
    try {
      const started = Date.now();
      await oauth.refreshAccessToken();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      const api = Date.now();
      expect((await profile(oauth)).data.emailAddress).toBe('ann@acme.test');
      expect(Date.now() - api).toBeGreaterThanOrEqual(290);
    } finally {
      google.fail('ann@acme.test', null);
    }
  });

  it('revokes a whole grant from either of its tokens, and refuses unknown ones', async () => {
    const oauth = singleShot();
    const { code, codeVerifier } = await consent(oauth, 'ann@acme.test');
    const { tokens } = await oauth.getToken({ code, codeVerifier });
    expect(google.validRefreshTokens('ann@acme.test')).toContain(tokens.refresh_token);
    expect((await oauth.revokeToken(tokens.access_token!)).status).toBe(200);
    expect(google.validRefreshTokens('ann@acme.test')).not.toContain(tokens.refresh_token);
    expect((await rejection(oauth.revokeToken(tokens.access_token!))).response).toMatchObject({ status: 400, data: { error: 'invalid_token', error_description: 'Token expired or revoked' } });
  });

  it('gaxios retries a 503 refresh 3 times on its own (~0.1 s, 0.5 s, 1.5 s apart); an interceptor stops it', async () => {
    const oauth = client();
    const { code, codeVerifier } = await consent(oauth, 'ann@acme.test');
    const { tokens } = await oauth.getToken({ code, codeVerifier });
    google.fail('ann@acme.test', 'server_error');
    const refreshes = (from: number) => google.requests.slice(from).filter((r) => r.grantType === 'refresh_token' && r.email === 'ann@acme.test');

    let from = google.requests.length;
    const retrying = client();
    retrying.setCredentials(tokens as Credentials);
    const failed = await rejection(retrying.refreshAccessToken());
    expect(failed.response).toMatchObject({ status: 503, data: { error: 'internal_failure' } });
    const seen = refreshes(from);
    expect(seen.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    const gaps = seen.slice(1).map((r, i) => r.at - seen[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(450);
    expect(gaps[2]).toBeGreaterThanOrEqual(1400);

    from = google.requests.length;
    const once = singleShot();
    once.setCredentials(tokens as Credentials);
    expect((await rejection(once.refreshAccessToken())).response?.status).toBe(503);
    expect(refreshes(from)).toHaveLength(1);
    google.fail('ann@acme.test', null);
  });
});

