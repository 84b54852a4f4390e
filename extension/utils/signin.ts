/**
 * Sign in from the extension: the server's `GET /login` in the browser's sign-in window
 * (`identity.launchWebAuthFlow`), as a code flow of its own. The extension sends a random
 * `state` and the S256 challenge of a verifier it keeps; the window ends at the extension's
 * redirect URL with a one-time code, which `POST /login/token` trades for an API token with
 * the verifier. A code caught by anyone else is useless without it.
 *
 * @example
 *   const token = await signIn('https://regrant.acme.com', browser.identity);
 */
import { ApiError } from './api.ts';
import { checked } from './answers.ts';

/** What sign-in needs of `browser.identity`. */
export interface IdentityApi {
  getRedirectURL(): string;
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A PKCE verifier (43 characters) and its S256 challenge. */
export async function newPkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url(digest) };
}

/** The sign-in page's address, with where to come back and what to prove. */
export function loginUrl(serverUrl: string, p: { redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(`${serverUrl}/login`);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The code of the window's last address, once its state is ours; else a plain refusal. */
export function codeOf(finalUrl: string | undefined, redirectUri: string, state: string): string {
  if (!finalUrl || !finalUrl.startsWith(redirectUri)) throw new ApiError('request_failed', 'The sign-in window closed before you were signed in.');
  const params = new URL(finalUrl).searchParams;
  if (params.get('state') !== state) throw new ApiError('request_failed', 'The sign-in answer did not belong to this sign-in. Press Sign in again.');
  const code = params.get('code');
  if (!code) throw new ApiError('request_failed', 'The sign-in ended without a code. Press Sign in again.');
  return code;
}

/** Runs the whole sign-in; answers the new API token. */
export async function signIn(serverUrl: string, identity: IdentityApi, fetchImpl: typeof fetch = (...a) => fetch(...a)): Promise<string> {
  const redirectUri = identity.getRedirectURL();
  const { verifier, challenge } = await newPkce();
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  let finalUrl: string | undefined;
  try {
    finalUrl = await identity.launchWebAuthFlow({ url: loginUrl(serverUrl, { redirectUri, state, challenge }), interactive: true });
  } catch (error) {
    // Chrome and Firefox reject when the person closes the window ("The user did not approve access.").
    throw new ApiError('request_failed', `Not signed in: ${error instanceof Error ? error.message : String(error)}`);
  }
  const code = codeOf(finalUrl, redirectUri, state);
  let res: Response;
  try {
    res = await fetchImpl(`${serverUrl}/login/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, codeVerifier: verifier }), signal: AbortSignal.timeout(15_000) });
  } catch {
    throw new ApiError('unreachable', `Cannot reach ${serverUrl}. Check the address, and that the server is running.`);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new ApiError('request_failed', typeof message === 'string' ? `Not signed in: ${message}` : `${serverUrl} answered ${res.status} but is not a Regrant server. Check the address.`, res.status);
  }
  const answer = await checked((s) => s.signinTokenSchema, body);
  if (!answer) throw new ApiError('not_regrant', `${serverUrl} did not answer like a Regrant server. Check the address.`, res.status);
  return answer.token;
}
