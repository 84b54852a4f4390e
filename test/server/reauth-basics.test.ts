/**
 * Re-authentication without a provider to talk to: what a server without Google/Microsoft
 * clients says, what the one-time start URL sends the browser to, who may ask for what, and
 * how the public pages guard themselves (CSP, noindex, rate limit, friendly dead ends).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onTestPostgres } from '../support/database.ts';
import { createLogger } from '../../server/log/index.ts';
import type { AccountView, ApiErrorBody } from '../../shared/api.ts';
import { TestBrowser } from '../support/browser.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

const ORIGIN = 'http://regrant.test';

async function error(res: Response, status: number): Promise<ApiErrorBody['error']> {
  expect(res.status).toBe(status);
  return ((await res.json()) as ApiErrorBody).error;
}

describe('a server without Google or Microsoft clients', () => {
  let rg: TestRegrant;
  let admin: Client;
  beforeAll(async () => {
    rg = await startRegrant();
    admin = await rg.user('admin@acme.test', 'admin');
  });
  afterAll(() => rg?.destroy());

  it('says which sign-ins it offers and what to configure for the others', async () => {
    const res = await admin.get('/api/server');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workspace: string; providers: Record<string, { configured: boolean; setup?: string }> };
    expect(body.providers.google).toEqual({ configured: false, setup: expect.stringMatching(/GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET/) });
    expect(body.providers.microsoft.setup).toMatch(/MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/);
  });

  it('explains instead of failing when asked to connect a Google mailbox', async () => {
    const e = await error(await admin.post('/api/connect/google'), 503);
    expect(e.code).toBe('provider_not_configured');
    expect(e.message).toMatch(/Google sign-in is not set up on this server.*GOOGLE_CLIENT_ID/);
    expect((await error(await admin.post('/api/connect/yahoo'), 404)).message).toMatch(/use google or microsoft/);
  });

  it('answers a stray callback with a page naming what to configure', async () => {
    const page = await new TestBrowser(rg.app, ORIGIN).open(`${ORIGIN}/oauth/microsoft/callback?code=x&state=y`);
    expect(page.status).toBe(503);
    expect(page.html).toMatch(/Microsoft sign-in is not set up/);
    expect(page.html).toMatch(/MICROSOFT_CLIENT_ID/);
  });
});

describe('with Google and Microsoft clients configured', () => {
  let rg: TestRegrant;
  let admin: Client;
  let mia: Client;
  let max: Client;
  let custom: AccountView;

  beforeAll(async () => {
    rg = await startRegrant({
      GOOGLE_CLIENT_ID: 'regrant-test.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'g-secret',
      GOOGLE_AUTH_URL: 'http://127.0.0.1:9/o/oauth2/v2/auth',
      MICROSOFT_CLIENT_ID: '00000000-aaaa-bbbb-cccc-000000000001',
      MICROSOFT_CLIENT_SECRET: 'm-secret',
      MICROSOFT_LOGIN_URL: 'http://127.0.0.1:9',
      MICROSOFT_TENANT: 'organizations',
    });
    admin = await rg.user('admin@acme.test', 'admin');
    mia = await rg.user('mia@acme.test', 'member');
    max = await rg.user('max@acme.test', 'member');
    custom = (await (await mia.post('/api/accounts', customMailbox('mia.sales@acme.test', { port: 2525 }, { port: 1143 }, 'pw'))).json()) as AccountView;
  });
  afterAll(() => rg?.destroy());

  it('connect gives a one-time URL that sends the browser to Google with PKCE, offline access and consent', async () => {
    const res = await mia.post('/api/connect/google');
    expect(res.status).toBe(200);
    const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
    expect(url).toMatch(/^http:\/\/regrant\.test\/oauth\/start\/rg_[A-Za-z0-9_-]{43}$/);
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);

    const browser = new TestBrowser(rg.app, ORIGIN);
    // The connect page's button (POST) goes on: 303, so the browser GETs the consent screen.
    const hop = await browser.redirectOf(url, { method: 'POST' });
    expect(hop.status).toBe(303);
    const consent = new URL(hop.location!);
    expect(consent.origin + consent.pathname).toBe('http://127.0.0.1:9/o/oauth2/v2/auth');
    const q = Object.fromEntries(consent.searchParams);
    expect(q).toMatchObject({ client_id: 'regrant-test.apps.googleusercontent.com', redirect_uri: `${ORIGIN}/oauth/google/callback`, response_type: 'code', access_type: 'offline', prompt: 'consent', code_challenge_method: 'S256' });
    expect(q.scope.split(' ')).toEqual(['openid', 'email', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly']);
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.state).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
    expect(q.login_hint).toBeUndefined();
    const cookie = browser.cookies.get('regrant_browser');
    expect(cookie).toMatch(/^b_/);

    const again = await browser.open(url);
    expect(again.status).toBe(410);
    expect(again.html).toMatch(/already been opened/);
  });

  it('the Microsoft consent URL asks for IMAP and SMTP access under the configured tenant', async () => {
    const { url } = (await (await admin.post('/api/connect/microsoft')).json()) as { url: string };
    const hop = await new TestBrowser(rg.app, ORIGIN).redirectOf(url, { method: 'POST' });
    const consent = new URL(hop.location!);
    expect(consent.pathname).toBe('/organizations/oauth2/v2.0/authorize');
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      client_id: '00000000-aaaa-bbbb-cccc-000000000001',
      redirect_uri: `${ORIGIN}/oauth/microsoft/callback`,
      response_type: 'code',
      response_mode: 'query',
      code_challenge_method: 'S256',
      scope: 'offline_access openid email profile https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send',
    });
  });

  it('a custom mailbox cannot be re-granted: it is fixed with its password (its share link is a repair link)', async () => {
    const e = await error(await mia.post(`/api/accounts/${custom.id}/regrant`), 409);
    expect(e.code).toBe('wrong_provider');
    expect(e.message).toMatch(/custom SMTP\/IMAP mailbox.*Test Sending/);
    expect((await mia.post(`/api/accounts/${custom.id}/share-link`)).status).toBe(201);
  });

  it('a member cannot ask for anything about a mailbox that is not theirs', async () => {
    for (const path of [`/api/accounts/${custom.id}/regrant`, `/api/accounts/${custom.id}/share-link`]) {
      expect((await error(await max.post(path), 404)).code).toBe('not_found');
    }
    expect((await error(await max.del(`/api/accounts/${custom.id}/share-link`), 404)).code).toBe('not_found');
    expect((await error(await max.post('/api/accounts/acc_nope/regrant'), 404)).code).toBe('not_found');
  });

  it('unknown start URLs, states and share links get a clear page, never an error dump', async () => {
    const browser = new TestBrowser(rg.app, ORIGIN);
    const start = await browser.open(`${ORIGIN}/oauth/start/rg_${'x'.repeat(43)}`);
    expect(start.status).toBe(410);
    expect(start.html).toMatch(/This re-grant link is not valid/);
    const noState = await browser.open(`${ORIGIN}/oauth/google/callback?code=abc`);
    expect(noState.status).toBe(400);
    expect(noState.html).toMatch(/not known to Regrant/);
    const link = await browser.open(`${ORIGIN}/r/r_unknown`);
    expect(link.status).toBe(410);
    expect(link.html).toMatch(/not valid/);
    expect(link.html).toMatch(/Ask the person who sent it to you/);
    for (const page of [start, noState, link]) {
      expect(page.html).not.toMatch(/Error:|at .*\.ts:\d+|stack/i);
      expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
      expect(page.html).toContain('<meta name="robots" content="noindex, nofollow">');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).toMatch(/form-action 'self' https: http:\/\/127\.0\.0\.1:9/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(page.html).not.toMatch(/<script|https?:\/\/(?!regrant\.test)[^"'\s]+\.(css|js|png|svg)/);
      // The one inline style sheet is exactly the one the policy's hash allows.
      const css = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1];
      expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    }
  });
});

describe('on https', () => {
  it('the browser cookie is __Host- prefixed, Secure, HttpOnly and SameSite=Lax', async () => {
    const rg = await startRegrant({ PUBLIC_URL: 'https://regrant.acme.test', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_AUTH_URL: 'http://127.0.0.1:9/auth' });
    try {
      const admin = await rg.user('admin@acme.test', 'admin');
      const { url } = (await (await admin.post('/api/connect/google')).json()) as { url: string };
      expect(url.startsWith('https://regrant.acme.test/oauth/start/')).toBe(true);
      const res = await rg.app.request(new URL(url).pathname, { method: 'POST' });
      expect(res.status).toBe(303);
      expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://regrant.acme.test/oauth/google/callback');
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^__Host-regrant_browser=b_[A-Za-z0-9_-]{43};/);
      for (const attribute of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']) expect(cookie).toContain(attribute);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await rg.destroy();
    }
  });
});

describe('share-link pages are rate limited', () => {
  let rg: TestRegrant;
  beforeAll(async () => {
    rg = await startRegrant();
  });
  afterAll(() => rg?.destroy());

  it('the 31st request in a minute from one address gets a 429 page with Retry-After', async () => {
    const browser = new TestBrowser(rg.app, ORIGIN);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await browser.open(`${ORIGIN}/r/r_guess${i}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 410)).toBe(true);
    expect(statuses[30]).toBe(429);
    const limited = await browser.open(`${ORIGIN}/r/r_guess`);
    expect(limited.html).toMatch(/Too many requests/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await rg.app.request('/healthz')).status).toBe(200); // the rest of the server is not limited
  });
});

describe('when something unexpected breaks behind a page', () => {
  it('the browser gets a page, not JSON or a stack, and the log names the route without its token', async () => {
    const lines: string[] = [];
    const rg = await startRegrant({}, { logger: createLogger((line) => lines.push(line)) });
    try {
      // Any query behind the page now fails.
      if (onTestPostgres()) await sql`drop table share_links cascade`.execute(rg.db);
      else {
        await sql`pragma foreign_keys = off`.execute(rg.db);
        await sql`drop table share_links`.execute(rg.db);
      }
      const token = `r_${'s'.repeat(43)}`;
      const page = await new TestBrowser(rg.app, ORIGIN).open(`${ORIGIN}/r/${token}`);
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.html).toMatch(/Something went wrong/);
      expect(page.html).not.toMatch(/share_links|SqliteError|at .*\.ts/);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      const logs = lines.join('\n');
      expect(logs).toMatch(/page\.unexpected.*GET \/r\/:token/);
      expect(logs).not.toContain(token);
    } finally {
      await rg.destroy();
    }
  });
});
