/**
 * The Microsoft sign-in as Regrant's own code performs it (plain fetch, confidential client,
 * PKCE), for tests that need a real consent or fresh tokens from the Microsoft fake.
 *
 * @example
 *   const ms = await startMicrosoftFake({ ...CLIENT, redirectUris: [CALLBACK] });
 *   const { access_token } = await signIn(ms, 'mia@contoso.test');
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MicrosoftFake } from './microsoft.ts';

export const CLIENT = { clientId: '6f1c2a7e-0b1d-4c5e-9f00-1a2b3c4d5e6f', clientSecret: 'Qx18Q~test-secret-value' };
export const CALLBACK = 'http://regrant.test/oauth/microsoft/callback';
export const SCOPE = 'offline_access openid email profile https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send';

/**
 * The browser leg: opens the authorize URL and reads the redirect.
 *
 * @example const { code, verifier } = await authorize(ms, { login_hint: 'mia@contoso.test' });
 */
export async function authorize(fake: MicrosoftFake, params: Record<string, string> = {}, tenant = 'common') {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const url = new URL(`${fake.loginUrl}/${tenant}/oauth2/v2.0/authorize`);
  const query = { client_id: CLIENT.clientId, response_type: 'code', redirect_uri: CALLBACK, response_mode: 'query', scope: SCOPE, state, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...params };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.status === 302 ? new URL(res.headers.get('location')!) : null;
  return { res, location, state, verifier, code: location?.searchParams.get('code') ?? '' };
}

/**
 * A token request as Regrant's Microsoft code sends it (client secret in the body).
 *
 * @example await token(ms, { grant_type: 'refresh_token', refresh_token });
 */
export async function token(fake: MicrosoftFake, grant: Record<string, string>, tenant = 'common') {
  const body = new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, scope: SCOPE, ...grant });
  const res = await fetch(`${fake.loginUrl}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Consent plus code exchange: a fresh set of tokens for the mailbox.
 *
 * @example const { access_token, refresh_token } = await signIn(ms, 'mia@contoso.test');
 */
export async function signIn(fake: MicrosoftFake, email: string) {
  const { code, verifier } = await authorize(fake, { login_hint: email });
  const answer = await token(fake, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
  return answer.body as { access_token: string; refresh_token: string; id_token: string; scope: string };
}
