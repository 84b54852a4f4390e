/**
 * The extension's own sign-in code (extension/utils/signin.ts) against a real Regrant: its
 * redirect URL, state and S256 challenge go to GET /login, the window (played here by a
 * TestBrowser where the browser's identity window would be) signs in with an emailed code,
 * and the code that comes back is traded for a token that works. A window that comes back
 * with another state is refused by the extension itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, signIn, type IdentityApi } from '../../extension/utils/signin.ts';
import { TestBrowser } from '../support/browser.ts';
import { startRegrant, eventually, type TestRegrant } from '../support/regrant.ts';
import { EXTENSION_REDIRECT, codeIn } from '../support/signin.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const ORIGIN = 'http://regrant.test';
let rg: TestRegrant;
let notify: TestSmtp;

beforeAll(async () => {
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, SIGNIN_DOMAINS: 'acme.test', WORKSPACE_NAME: 'Acme' });
});
afterAll(async () => {
  await rg?.destroy();
  await notify?.stop();
});

/** Where `launchWebAuthFlow` would open its window: a person asks for a code and types it. */
function identityWindow(email: string, seen: string[]): IdentityApi {
  return {
    getRedirectURL: () => EXTENSION_REDIRECT,
    async launchWebAuthFlow({ url }) {
      seen.push(url);
      const browser = new TestBrowser(rg.app, ORIGIN);
      const page = await browser.open(url);
      const attempt = /name="attempt" value="([^"]+)"/.exec(page.html)![1];
      const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      await browser.open(`${ORIGIN}/login/email`, form({ attempt, email }));
      const code = await eventually(() => codeIn(notify, email));
      const back = await browser.once(`${ORIGIN}/login/email/code`, form({ attempt, code }));
      return back.headers.get('location') ?? undefined;
    },
  };
}

const serverFetch: typeof fetch = async (input, init) => rg.app.request(String(input).replace(ORIGIN, ''), init);

describe('the extension’s sign-in', () => {
  it('signs in with an emailed code and gets a working token', async () => {
    const seen: string[] = [];
    const token = await signIn(ORIGIN, identityWindow('pat@acme.test', seen), serverFetch);
    const opened = new URL(seen[0]);
    expect(opened.origin + opened.pathname).toBe(`${ORIGIN}/login`);
    expect(opened.searchParams.get('redirect_uri')).toBe(EXTENSION_REDIRECT);
    expect(opened.searchParams.get('code_challenge_method')).toBe('S256');
    expect(opened.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await (await rg.client(token).get('/api/me')).json()).toMatchObject({ email: 'pat@acme.test', role: 'member' });
  });

  it('refuses an answer with another state, or a window closed before the end', () => {
    expect(() => codeOf(`${EXTENSION_REDIRECT}?code=rgc_x&state=theirs`, EXTENSION_REDIRECT, 'ours')).toThrow('did not belong to this sign-in');
    expect(() => codeOf(undefined, EXTENSION_REDIRECT, 'ours')).toThrow('closed before you were signed in');
    expect(codeOf(`${EXTENSION_REDIRECT}?code=rgc_x&state=ours`, EXTENSION_REDIRECT, 'ours')).toBe('rgc_x');
  });
});
