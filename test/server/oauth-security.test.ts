/**
 * The sign-in refuses everything it should: a replayed or expired state, a callback in another
 * browser, a code bound to another PKCE challenge, a declined consent, missing permissions,
 * a mailbox someone else already connected. Each ends on a page that says what happened,
 * and none of them changes the account.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { TestBrowser } from '../support/browser.ts';
import type { Client } from '../support/regrant.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';

const GMAIL = 'ops@gmail.test';
const OUTLOOK = 'ops@contoso.test';
let world: OAuthWorld;
let owner: Client;
let other: Client;
let admin: Client;
let gmail: AccountView;
let outlook: AccountView;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK]);
  admin = await world.rg.user('boss@acme.test', 'admin');
  owner = await world.rg.user('owner@acme.test', 'member');
  other = await world.rg.user('other@acme.test', 'member');
  gmail = await world.connect(owner, 'google', GMAIL);
  outlook = await world.connect(owner, 'microsoft', OUTLOOK);
  world.google.revoke(GMAIL);
  world.microsoft.revoke(OUTLOOK);
  await owner.post(`/api/accounts/${gmail.id}/check`);
  await owner.post(`/api/accounts/${outlook.id}/check`);
});
afterAll(() => world?.stop());

const row = (id: string) => world.rg.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const regrantUrl = async (id: string) => ((await (await owner.post(`/api/accounts/${id}/regrant`)).json()) as { url: string }).url;

/** Follows the start URL to the provider and answers the callback URL it sends back, unopened. */
async function callbackUrl(browser: ReturnType<OAuthWorld['browser']>, startUrl: string, tamper?: (consent: URL) => void): Promise<string> {
  const toConsent = await browser.redirectOf(startUrl);
  const consent = new URL(toConsent.location!);
  tamper?.(consent);
  const back = await fetch(consent, { redirect: 'manual' });
  expect(back.status).toBe(302);
  return back.headers.get('location')!;
}

it('a state works once: replaying the callback is refused and changes nothing', async () => {
  const browser = world.browser();
  const callback = await callbackUrl(browser, await regrantUrl(gmail.id));
  expect((await browser.open(callback)).html).toMatch(/Reconnected/);
  world.google.revoke(GMAIL);
  await owner.post(`/api/accounts/${gmail.id}/check`);
  const before = await row(gmail.id);
  const replay = await browser.open(callback);
  expect(replay.status).toBe(400);
  expect(replay.html).toMatch(/already been completed/);
  expect(await row(gmail.id)).toEqual(before);
});

it('a callback opened in another browser is refused; the right browser still finishes', async () => {
  const mine = world.browser();
  const callback = await callbackUrl(mine, await regrantUrl(gmail.id));
  const elsewhere = await world.browser().open(callback);
  expect(elsewhere.status).toBe(403);
  expect(elsewhere.html).toMatch(/started in another browser/);
  expect((await row(gmail.id)).state).toBe('needs_reauth');
  expect((await mine.open(callback)).html).toMatch(/Reconnected/);
  world.google.revoke(GMAIL);
  await owner.post(`/api/accounts/${gmail.id}/check`);
});

it('a code issued for another PKCE challenge fails at the provider', async () => {
  const browser = world.browser();
  const before = await row(gmail.id);
  const callback = await callbackUrl(browser, await regrantUrl(gmail.id), (consent) => consent.searchParams.set('code_challenge', 'A'.repeat(43)));
  const page = await browser.open(callback);
  expect(page.status).toBe(502);
  expect(page.html).toMatch(/Google did not complete the sign-in/);
  expect(page.html).toMatch(/invalid_grant: Invalid code verifier\./);
  expect(await row(gmail.id)).toEqual(before);
  expect(world.google.requests.filter((r) => r.path === '/token').at(-1)?.status).toBe(400);
});

it('an expired state and an expired start URL get their own pages', async () => {
  const browser = world.browser();
  const callback = await callbackUrl(browser, await regrantUrl(gmail.id));
  await world.rg.db.updateTable('oauth_attempts').set({ state_expires_at: new Date(Date.now() - 1000).toISOString() }).where('finished_at', 'is', null).where('started_at', 'is not', null).execute();
  const late = await browser.open(callback);
  expect(late.status).toBe(400);
  expect(late.html).toMatch(/took too long and has expired/);

  const start = await regrantUrl(gmail.id);
  await world.rg.db.updateTable('oauth_attempts').set({ start_expires_at: new Date(Date.now() - 1000).toISOString() }).where('started_at', 'is', null).execute();
  const stale = await browser.open(start);
  expect(stale.status).toBe(410);
  expect(stale.html).toMatch(/has expired \(they last 15 minutes\)/);
  expect((await row(gmail.id)).state).toBe('needs_reauth');
});

for (const [provider, id, email] of [['google', () => gmail.id, GMAIL], ['microsoft', () => outlook.id, OUTLOOK]] as const) {
  it(`${provider}: declining consent changes nothing and "Try again" finishes the job`, async () => {
    const fake = provider === 'google' ? world.google : world.microsoft;
    fake.nextConsent({ deny: true });
    const browser = world.browser();
    const before = await row(id());
    const page = await browser.open(await regrantUrl(id()));
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/Access was not granted/);
    expect(await row(id())).toEqual(before);
    const retry = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(page.html)![1];
    const again = await browser.open(retry);
    expect(again.html).toMatch(/Reconnected/);
    expect(again.html).toContain(email);
    fake.revoke(email);
    await owner.post(`/api/accounts/${id()}/check`);
  });
}

it('google: a grant without the Gmail permissions names them and changes nothing', async () => {
  world.google.nextConsent({ grantScopes: ['openid', 'email', 'https://www.googleapis.com/auth/gmail.send'] });
  const browser = world.browser();
  const before = await row(gmail.id);
  const page = await browser.open(await regrantUrl(gmail.id));
  expect(page.html).toMatch(/Some permissions are missing/);
  expect(page.html).toMatch(/View your email messages and settings <span class="muted">\(https:\/\/www\.googleapis\.com\/auth\/gmail\.readonly\)/);
  expect(page.html).not.toMatch(/gmail\.send\)/);
  expect(await row(gmail.id)).toEqual(before);
  const retry = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(page.html)![1];
  expect((await browser.open(retry)).html).toMatch(/Reconnected/);
});

it('microsoft: a grant without SMTP.Send is refused the same way', async () => {
  world.microsoft.nextConsent({ grantScopes: ['offline_access', 'openid', 'email', 'profile', 'https://outlook.office.com/IMAP.AccessAsUser.All'] });
  const before = await row(outlook.id);
  const page = await world.browser().open(await regrantUrl(outlook.id));
  expect(page.html).toMatch(/Send email via SMTP/);
  expect(await row(outlook.id)).toEqual(before);
});

it("connecting a mailbox someone else already connected is refused; its owner's connect re-grants it", async () => {
  const res = await other.post('/api/connect/microsoft');
  world.microsoft.nextConsent({ as: OUTLOOK });
  const before = await row(outlook.id);
  // The connect page's button (POST) goes on to the consent screen.
  const page = await world.browser().submit(((await res.json()) as { url: string }).url);
  expect(page.status).toBe(409);
  expect(page.html).toMatch(/already connected to Acme by someone else/);
  expect(await row(outlook.id)).toEqual(before);

  const mine = await admin.post('/api/connect/microsoft');
  world.microsoft.nextConsent({ as: OUTLOOK });
  expect((await world.browser().submit(((await mine.json()) as { url: string }).url)).html).toMatch(/Reconnected/);
  expect((await row(outlook.id)).state).toBe('connected');
  const { accounts } = (await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] };
  expect(accounts.filter((a) => a.email === OUTLOOK)).toHaveLength(1);
});

it("a provider's error text is shown escaped, never as markup", async () => {
  const browser = world.browser();
  const toConsent = await browser.redirectOf(await regrantUrl(gmail.id));
  const state = new URL(toConsent.location!).searchParams.get('state')!;
  const page = await browser.open(`http://regrant.test/oauth/google/callback?state=${state}&error=server_error&error_description=${encodeURIComponent('<script>alert(1)</script>')}`);
  expect(page.status).toBe(502);
  expect(page.html).toContain('server_error: &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(page.html).not.toContain('<script>');
});

it("microsoft: a forged email claim (nOAuth) does not re-grant someone else's mailbox", async () => {
  world.microsoft.addMailbox('eve@evil.test');
  await world.imap.addUser('eve@evil.test', 'unused');
  world.microsoft.setMailAttribute('eve@evil.test', OUTLOOK); // Eve's own tenant says her mail is ops@contoso.test
  world.microsoft.revoke(OUTLOOK);
  await owner.post(`/api/accounts/${outlook.id}/check`);
  const before = await row(outlook.id);
  world.microsoft.nextConsent({ as: 'eve@evil.test' });
  const page = await world.browser().open(await regrantUrl(outlook.id));
  expect(page.status).toBe(409);
  expect(page.html).toMatch(/did not accept this sign-in/);
  expect(page.html).toMatch(/Nothing was changed/);
  expect(await row(outlook.id)).toEqual(before);
});

it("a state brought back on the other provider's callback is not used up by it", async () => {
  const browser = world.browser();
  const callback = new URL(await callbackUrl(browser, await regrantUrl(gmail.id)));
  const wrong = await browser.open(`http://regrant.test/oauth/microsoft/callback${callback.search}`);
  expect(wrong.status).toBe(400);
  expect(wrong.html).toMatch(/not known to Regrant/);
  expect((await browser.open(callback.toString())).html).toMatch(/Reconnected/);
  world.google.revoke(GMAIL);
  await owner.post(`/api/accounts/${gmail.id}/check`);
});

it('microsoft: connecting with a forged email claim is refused the same way', async () => {
  const { url } = (await (await other.post('/api/connect/microsoft')).json()) as { url: string };
  world.microsoft.nextConsent({ as: 'eve@evil.test' }); // her mail attribute still says ops@contoso.test
  const before = await row(outlook.id);
  const page = await world.browser().submit(url);
  expect(page.status).toBe(409);
  expect(page.html).toMatch(/did not accept this sign-in/);
  expect(await row(outlook.id)).toEqual(before);
});

it('google: signing in as another mailbox that Regrant also holds refuses, and leaves that mailbox working', async () => {
  world.google.addMailbox('second@gmail.test');
  const second = await world.connect(owner, 'google', 'second@gmail.test');
  world.google.nextConsent({ as: 'second@gmail.test' });
  const page = await world.browser().open(await regrantUrl(gmail.id));
  expect(page.status).toBe(409);
  await new Promise((r) => setTimeout(r, 300)); // a revocation would be on its way by now
  const kept = world.rg.accounts.credentials(await row(second.id)).refreshToken!;
  expect(world.google.validRefreshTokens('second@gmail.test')).toContain(kept);
  expect(((await (await owner.post(`/api/accounts/${second.id}/check`)).json()) as AccountView).state).toBe('connected');
});

it('microsoft: when the mailbox cannot be reached to confirm a grant, the page says try again and names no server', async () => {
  const offline = await world.regrant({ MICROSOFT_IMAP_URL: 'imap://127.0.0.1:1' });
  const member = await offline.user('someone@acme.test', 'member');
  const { url } = (await (await member.post('/api/connect/microsoft')).json()) as { url: string };
  world.microsoft.addMailbox('fresh@contoso.test');
  world.microsoft.nextConsent({ as: 'fresh@contoso.test' });
  const page = await new TestBrowser(offline.app, 'http://regrant.test').submit(url);
  expect(page.status).toBe(502);
  expect(page.html).toMatch(/could not open fresh@contoso\.test to confirm the new access/);
  expect(page.html).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  expect(await offline.db.selectFrom('accounts').select('id').execute()).toHaveLength(0);
});
