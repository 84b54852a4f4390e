/**
 * The Microsoft fake, driven with plain fetch the way Regrant's Microsoft code talks to Entra:
 * consent, code + PKCE exchange, id_token, rotating refresh tokens, introspection, and the
 * AADSTS refusals in their documented shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftFake, type MicrosoftFake, type MicrosoftFailMode } from './microsoft.ts';
import { authorize, CALLBACK, CLIENT, signIn, token } from './microsoft-flow.ts';

let ms: MicrosoftFake;

beforeAll(async () => {
  ms = await startMicrosoftFake({ ...CLIENT, redirectUris: [CALLBACK] });
  for (const m of ['mia@contoso.test', 'max@contoso.test', 'liv@contoso.test']) ms.addMailbox(m);
});
afterAll(() => ms?.close());

const introspect = async (accessToken: string) => (await (await fetch(ms.introspectionUrl, { method: 'POST', body: new URLSearchParams({ token: accessToken }) })).json()) as Record<string, unknown>;
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe('Microsoft fake', () => {
  it('a mailbox consents, trades its code with PKCE, and each refresh rotates the refresh token', async () => {
    const { location, state, code, verifier } = await authorize(ms, { login_hint: 'mia@contoso.test' });
    expect(`${location!.origin}${location!.pathname}`).toBe(CALLBACK);
    expect(location!.searchParams.get('state')).toBe(state);
    expect(location!.searchParams.has('scope')).toBe(false);

    const first = await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect((first.body.scope as string).split(' ')).toEqual(expect.arrayContaining(['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send']));
    expect(claims(first.body.id_token as string)).toMatchObject({
      aud: CLIENT.clientId,
      iss: `${ms.url}/${ms.tenantId}/v2.0`,
      tid: ms.tenantId,
      preferred_username: 'mia@contoso.test',
      email: 'mia@contoso.test',
      ver: '2.0',
    });
    expect(await introspect(first.body.access_token as string)).toMatchObject({ active: true, username: 'mia@contoso.test' });

    const second = await token(ms, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toBeTruthy();
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(ms.validRefreshTokens('mia@contoso.test')).toEqual([second.body.refresh_token]);

    const stale = await token(ms, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
  });

  it('refuses a wrong verifier, a redeemed code and a revoked grant with AADSTS bodies', async () => {
    const { code, verifier } = await authorize(ms, { login_hint: 'max@contoso.test' });
    const wrong = await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: `${verifier}x` });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [501481] } });
    const ok = await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const again = await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [54005] } });

    ms.revoke('max@contoso.test');
    const revoked = await token(ms, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string });
    expect(revoked.status).toBe(400);
    expect(revoked.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173], error_uri: 'https://login.microsoftonline.com/error?code=50173' });
    const description = revoked.body.error_description as string;
    expect(description).toMatch(/^AADSTS50173: The provided grant has expired due to it being revoked/);
    expect(description).toMatch(/\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(revoked.body.trace_id).toBe(description.match(/Trace ID: (\S+)/)![1]);
    expect(await introspect(ok.body.access_token as string)).toEqual({ active: false });
    expect(ms.validRefreshTokens('max@contoso.test')).toEqual([]);
  });

  const cases: Array<[MicrosoftFailMode, number, string, number, string?]> = [
    ['revoked', 400, 'invalid_grant', 50173],
    ['expired', 400, 'invalid_grant', 700082],
    ['mfa_required', 400, 'invalid_grant', 50076, 'basic_action'],
    ['consent_required', 400, 'invalid_grant', 65001, 'consent_required'],
    ['bad_secret', 401, 'invalid_client', 7000215],
    ['server_error', 500, 'server_error', 50000],
    ['temporarily_unavailable', 503, 'temporarily_unavailable', 90055],
    ['rate_limited', 429, 'temporarily_unavailable', 50196],
  ];
  it.each(cases)('injected %s answers %i %s AADSTS%i', async (mode, status, error, code, suberror) => {
    const { refresh_token } = await signIn(ms, 'liv@contoso.test');
    ms.fail('liv@contoso.test', mode);
    try {
      const answer = await token(ms, { grant_type: 'refresh_token', refresh_token });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error, error_codes: [code], ...(suberror ? { suberror } : {}) });
      expect(answer.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
      if (status === 429) expect(answer.headers.get('retry-after')).toBeTruthy();
    } finally {
      ms.fail('liv@contoso.test', null);
    }
    expect((await token(ms, { grant_type: 'refresh_token', refresh_token })).status).toBe(200); // nothing was consumed
  });

  it('an MFA demand set until consent ends when the person signs in again, and only then', async () => {
    const { refresh_token } = await signIn(ms, 'liv@contoso.test');
    ms.fail('liv@contoso.test', 'mfa_required', { untilConsent: true });
    expect((await token(ms, { grant_type: 'refresh_token', refresh_token })).body).toMatchObject({ error_codes: [50076] });
    const fresh = await signIn(ms, 'liv@contoso.test');
    expect((await token(ms, { grant_type: 'refresh_token', refresh_token: fresh.refresh_token })).status).toBe(200);
  });

  it('sends No back as access_denied (AADSTS65004) and shows pages for what cannot go back', async () => {
    ms.nextConsent({ deny: true });
    const denied = await authorize(ms, { login_hint: 'mia@contoso.test' });
    expect(denied.location!.searchParams.get('error')).toBe('access_denied');
    expect(denied.location!.searchParams.get('error_description')).toBe('AADSTS65004: User declined to consent to access the app.');
    expect(denied.location!.searchParams.get('state')).toBe(denied.state);

    const pages = [
      [await authorize(ms, {}, 'contoso-nonexistent.test'), 'AADSTS90002'],
      [await authorize(ms, { client_id: '00000000-0000-0000-0000-000000000000' }), 'AADSTS700016'],
      [await authorize(ms, { redirect_uri: 'http://evil.test/cb' }), 'AADSTS50011'],
      [await authorize(ms, { login_hint: 'nobody@contoso.test' }), 'AADSTS50034'],
    ] as const;
    for (const [attempt, code] of pages) {
      expect(attempt.res.status).toBe(400);
      expect(await attempt.res.text()).toContain(code);
    }
  });

  it('accepts the organizations, consumers and tenant-id paths, and keeps a code to its tenant', async () => {
    for (const tenant of ['organizations', 'consumers', ms.tenantId]) {
      const { code, verifier } = await authorize(ms, { login_hint: 'mia@contoso.test' }, tenant);
      expect((await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, tenant)).status).toBe(200);
    }
    const { code, verifier } = await authorize(ms, { login_hint: 'mia@contoso.test' }, 'common');
    const elsewhere = await token(ms, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, ms.tenantId);
    expect(elsewhere.body).toMatchObject({ error: 'invalid_grant', error_codes: [700005] });
  });

  it('a refresh asking for a scope the person unticked is a consent question (AADSTS65001)', async () => {
    ms.nextConsent({ grantScopes: ['https://outlook.office.com/IMAP.AccessAsUser.All'] });
    const { refresh_token, scope } = await signIn(ms, 'mia@contoso.test');
    expect(scope.split(' ')).toEqual(['https://outlook.office.com/IMAP.AccessAsUser.All']);
    const answer = await token(ms, { grant_type: 'refresh_token', refresh_token });
    expect(answer.body).toMatchObject({ error: 'invalid_grant', error_codes: [65001], suberror: 'consent_required' });
  });

  it('holds answers for slow mailboxes, and close() does not wait for a held answer', async () => {
    const { refresh_token } = await signIn(ms, 'liv@contoso.test');
    ms.fail('liv@contoso.test', 'slow', { slowMs: 300 });
    const started = Date.now();
    const answer = await token(ms, { grant_type: 'refresh_token', refresh_token });
    ms.fail('liv@contoso.test', null);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const held = await startMicrosoftFake({ ...CLIENT, redirectUris: [CALLBACK] });
    held.addMailbox('liv@contoso.test');
    const tokens = await signIn(held, 'liv@contoso.test');
    held.fail('liv@contoso.test', 'slow'); // 10 s by default
    const pending = token(held, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).catch(() => 'cut off');
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await held.close();
    expect(Date.now() - closing).toBeLessThan(2000);
    await pending;
  });

  it('expires codes after 10 minutes (AADSTS70008) on its own clock', async () => {
    let clock = Date.now();
    const aging = await startMicrosoftFake({ ...CLIENT, redirectUris: [CALLBACK], tenant: 'organizations', now: () => clock });
    try {
      aging.addMailbox('mia@contoso.test');
      const { code, verifier } = await authorize(aging, {}, 'organizations');
      clock += 10 * 60_000 + 1;
      const late = await token(aging, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, 'organizations');
      expect(late.body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
    } finally {
      await aging.close();
    }
  });
});
