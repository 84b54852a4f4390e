/**
 * The extension's side of a sign-in, played step by step in a TestBrowser: `GET /login` with
 * the extension's redirect URL, state and S256 challenge; a way in (Google, Microsoft, an
 * emailed code); the redirect back to the extension; `POST /login/token`. Each step answers
 * what a test needs to look at, so a refusal can be checked where it happens.
 *
 * @example
 *   const window = await openLogin(rg, browser);
 *   const back = await window.withProvider(world, 'google', 'bo@acme.test');
 *   const { token } = await window.trade(back.code!);
 */
import { createHash, randomBytes } from 'node:crypto';
import { CHROME_EXTENSION_ID } from '../../shared/extension-ids.ts';
import type { GoogleFake } from '../fakes/google.ts';
import type { MicrosoftFake } from '../fakes/microsoft.ts';
import type { TestBrowser } from './browser.ts';
import type { TestSmtp } from './smtp.ts';

export const EXTENSION_REDIRECT = `https://${CHROME_EXTENSION_ID}.chromiumapp.org/`;

interface AppLike {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/** Where the sign-in window ended: back at the extension (code, state), or on a page of Regrant's. */
export interface Outcome {
  status: number;
  location: string | null;
  code: string | null;
  state: string | null;
  html: string;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function loginUrl(origin: string, p: { redirect?: string; state: string; challenge: string }): string {
  const url = new URL('/login', origin);
  url.searchParams.set('redirect_uri', p.redirect ?? EXTENSION_REDIRECT);
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Opens the sign-in window as the extension does; throws unless the page offers the ways in. */
export async function openLogin(app: AppLike, browser: TestBrowser, origin: string, redirect?: string) {
  const pkce = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const page = await browser.open(loginUrl(origin, { redirect, state, challenge: pkce.challenge }));
  const attempt = /name="attempt" value="([^"]+)"/.exec(page.html)?.[1] ?? '';

  async function ending(response: { status: number; location: string | null }, html = ''): Promise<Outcome> {
    const back = response.location && response.location.startsWith(redirect ?? EXTENSION_REDIRECT) ? new URL(response.location) : null;
    return { status: response.status, location: response.location, code: back?.searchParams.get('code') ?? null, state: back?.searchParams.get('state') ?? null, html };
  }

  /** One step that may end on a page (refusal) or at a redirect: both are answered. */
  async function step(url: string, init: RequestInit = {}): Promise<Outcome> {
    const response = await browser.once(url, init);
    return ending({ status: response.status, location: response.headers.get('location') }, await response.text());
  }

  return {
    page,
    attempt,
    state,
    verifier: pkce.verifier,

    /** Continue with Google/Microsoft, consenting at the fake as `email`. */
    async withProvider(fakes: { google: GoogleFake; microsoft: MicrosoftFake }, provider: 'google' | 'microsoft', email: string): Promise<Outcome> {
      const start = await browser.once(new URL(`/login/${provider}`, origin).toString(), form({ attempt }));
      const location = start.headers.get('location');
      if (start.status !== 303 || !location) return ending({ status: start.status, location }, await start.text());
      (provider === 'google' ? fakes.google : fakes.microsoft).nextConsent({ as: email });
      const consent = await fetch(location, { redirect: 'manual' });
      const callback = consent.headers.get('location');
      if (!callback) throw new Error(`the ${provider} fake answered ${consent.status} without a redirect: ${await consent.text()}`);
      return step(callback);
    },

    /** Email me a sign-in code: answers the page that follows. */
    async askCode(email: string) {
      return browser.open(new URL('/login/email', origin).toString(), form({ attempt, email }));
    },

    async typeCode(code: string): Promise<Outcome> {
      return step(new URL('/login/email/code', origin).toString(), form({ attempt, code }));
    },

    /** `POST /login/token` as the extension sends it (its own verifier unless told otherwise). */
    async trade(code: string, codeVerifier = pkce.verifier): Promise<Response> {
      return app.request('/login/token', { method: 'POST', headers: { 'content-type': 'application/json', origin: `chrome-extension://${new URL(EXTENSION_REDIRECT).hostname.split('.')[0]}` }, body: JSON.stringify({ code, codeVerifier }) });
    },
  };
}

/** The six-digit code of the newest sign-in email to `email`. */
export function codeIn(notify: TestSmtp, email: string): string | null {
  const mail = [...notify.received].reverse().find((m) => m.to.includes(email) && /sign-in code/.test(m.subject));
  return mail ? (/^\s+(\d{6})\s*$/m.exec(mail.text)?.[1] ?? null) : null;
}
