/**
 * Teammates sign in from the extension's window without the command line: through the Google
 * stand-in, the Microsoft stand-in or an emailed code, each ending at the extension's redirect
 * URL with a one-time code it trades for a token. And every refusal the issue lists, each with
 * its plain message: who may not come in, id_tokens that do not verify, redirects to unknown
 * extensions, codes misused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { stableUuid } from '../fakes/oauth-common.ts';
import { MICROSOFT_CLIENT, startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { eventually, type Client } from '../support/regrant.ts';
import { codeIn, EXTENSION_REDIRECT, loginUrl, openLogin, pkcePair } from '../support/signin.ts';

const ORIGIN = 'http://regrant.test';
const TRUSTED_TENANT = stableUuid(`tenant:${MICROSOFT_CLIENT.clientId}`);
const OTHER_TENANT = '0b8f4c2e-1111-4222-8333-944455556666';
const PEOPLE = ['boss@acme.test', 'bo@acme.test', 'cy@acme.test', 'eve@elsewhere.test', 'gus@acme.test', 'mallory@evil.test', 'dee@acme.test', 'ray@acme.test', 'ned@acme.test'];

let world: OAuthWorld;
let admin: Client;

beforeAll(async () => {
  world = await startOAuthWorld(PEOPLE, { SIGNIN_DOMAINS: 'acme.test', MICROSOFT_SIGNIN_TENANTS: TRUSTED_TENANT });
  admin = await world.rg.user('boss@acme.test', 'admin');
});
afterAll(() => world?.stop());

const window = () => openLogin(world.rg.app, world.browser(), ORIGIN);
const me = async (token: string) => world.rg.client(token).get('/api/me');

async function tokenOf(outcome: { code: string | null }, trade: (code: string) => Promise<Response>): Promise<string> {
  expect(outcome.code).toMatch(/^rgc_/);
  const res = await trade(outcome.code!);
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('signing in', () => {
  it('a teammate at a SIGNIN_DOMAINS domain signs in with Google, joins as a member, and signs out', async () => {
    const w = await window();
    expect(w.page.status).toBe(200);
    expect(w.page.html).toMatch(/Continue with Google/);
    expect(w.page.html).toMatch(/Continue with Microsoft/);
    expect(w.page.html).toMatch(/Email me a sign-in code/);
    const back = await w.withProvider(world, 'google', 'bo@acme.test');
    expect(back.status).toBe(302);
    expect(back.location!.startsWith(EXTENSION_REDIRECT)).toBe(true);
    expect(back.state).toBe(w.state);
    const token = await tokenOf(back, (c) => w.trade(c));
    const res = await me(token);
    expect(await res.json()).toMatchObject({ email: 'bo@acme.test', role: 'member', name: 'bo' });
    // A member sees only what a member may: no members list.
    expect((await world.rg.client(token).get('/api/members')).status).toBe(403);

    expect((await world.rg.client(token).post('/api/logout')).status).toBe(204);
    expect((await me(token)).status).toBe(401);
  });

  it('the Google id_token asked for only openid email profile, with PKCE, state and nonce', async () => {
    const w = await window();
    const start = await world.browser().once(`${ORIGIN}/login/google`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `attempt=${w.attempt}` });
    // Another browser (no cookie of this window) cannot go on with it.
    expect(start.status).toBe(403);
    expect(await start.text()).toMatch(/started in another window/);
    const page = await world.browser().open(loginUrl(ORIGIN, { state: 's1', challenge: pkcePair().challenge }));
    const attempt = /name="attempt" value="([^"]+)"/.exec(page.html)![1];
    expect(attempt).toMatch(/^sia_/);
  });

  it('an existing user signs in with Microsoft from a trusted tenant, and the second time by their bound identity', async () => {
    const cy = await world.rg.user('cy@acme.test', 'member');
    const w = await window();
    const token = await tokenOf(await w.withProvider(world, 'microsoft', 'cy@acme.test'), (c) => w.trade(c));
    expect(await (await me(token)).json()).toMatchObject({ email: 'cy@acme.test', role: 'member' });
    expect(cy.token).not.toBe(token);
  });

  it('an invited person signs in with an emailed code and gets the role of the invitation', async () => {
    expect((await admin.post('/api/members', { email: 'ray@acme.test', role: 'admin' })).status).toBe(201);
    const w = await window();
    const asked = await w.askCode('ray@acme.test');
    expect(asked.html).toMatch(/If <span class="mailbox">ray@acme.test<\/span> may sign in/);
    const code = await eventually(() => codeIn(world.notify, 'ray@acme.test'));
    const token = await tokenOf(await w.typeCode(code), (c) => w.trade(c));
    expect(await (await me(token)).json()).toMatchObject({ email: 'ray@acme.test', role: 'admin' });
    // The invitation is used up: no longer listed.
    const list = (await (await admin.get('/api/members')).json()) as { invites: { email: string }[] };
    expect(list.invites.map((i) => i.email)).not.toContain('ray@acme.test');
  });
});

describe('who may not sign in', () => {
  beforeEach(() => undefined);

  it('an address outside SIGNIN_DOMAINS and not invited is refused, and no user is made', async () => {
    const back = await (await window()).withProvider(world, 'google', 'eve@elsewhere.test');
    expect(back.status).toBe(403);
    expect(back.code).toBeNull();
    expect(back.html).toMatch(/This address cannot sign in to this workspace. Ask an admin to invite you./);
    expect(await world.rg.users.byEmail('eve@elsewhere.test')).toBeUndefined();
  });

  it('an emailed code is not sent to such an address, and the page says the same as for anyone', async () => {
    const w = await window();
    const before = world.notify.received.length;
    const asked = await w.askCode('eve@elsewhere.test');
    expect(asked.status).toBe(200);
    expect(asked.html).toMatch(/If <span class="mailbox">eve@elsewhere.test<\/span> may sign in/);
    await new Promise((r) => setTimeout(r, 300));
    expect(world.notify.received.slice(before).filter((m) => m.to.includes('eve@elsewhere.test'))).toEqual([]);
  });

  it('an unverified Google address is refused', async () => {
    world.google.idTokens.setClaims('gus@acme.test', { email_verified: false });
    const back = await (await window()).withProvider(world, 'google', 'gus@acme.test');
    world.google.idTokens.setClaims('gus@acme.test', {});
    expect(back.status).toBe(403);
    expect(back.html).toMatch(/Google has not verified gus@acme.test/);
  });

  it('a Google account of another hd is refused for a SIGNIN_DOMAINS address', async () => {
    world.google.idTokens.setClaims('gus@acme.test', { hd: 'acme-partner.test' });
    const back = await (await window()).withProvider(world, 'google', 'gus@acme.test');
    world.google.idTokens.setClaims('gus@acme.test', {});
    expect(back.status).toBe(403);
    expect(back.html).toMatch(/gus@acme.test is not an account of the acme.test Google Workspace \(it belongs to acme-partner.test\)/);
    expect(await world.rg.users.byEmail('gus@acme.test')).toBeUndefined();
  });

  it('a Microsoft token whose email claims an existing user’s address from an untrusted tenant is refused', async () => {
    world.microsoft.setMailAttribute('mallory@evil.test', 'boss@acme.test');
    world.microsoft.idTokens.setClaims('mallory@evil.test', { tid: OTHER_TENANT });
    const back = await (await window()).withProvider(world, 'microsoft', 'mallory@evil.test');
    expect(back.status).toBe(403);
    expect(back.code).toBeNull();
    expect(back.html).toMatch(/Your Microsoft directory is not one this workspace trusts to vouch for boss@acme.test/);
    // The same directory saying the domain owner verified the address (xms_edov) is proof.
    world.microsoft.idTokens.setClaims('mallory@evil.test', { tid: OTHER_TENANT, xms_edov: true });
    const proven = await (await window()).withProvider(world, 'microsoft', 'mallory@evil.test');
    world.microsoft.idTokens.setClaims('mallory@evil.test', {});
    expect(proven.code).toMatch(/^rgc_/);
  });

  it('a removed member cannot come back through their domain until invited again', async () => {
    const dee = await world.rg.user('dee@acme.test', 'member');
    const id = ((await (await dee.get('/api/me')).json()) as { id: string }).id;
    const bossId = ((await (await admin.get('/api/me')).json()) as { id: string }).id;
    expect((await admin.del(`/api/members/${id}?owner=${bossId}`)).status).toBe(204);
    const back = await (await window()).withProvider(world, 'google', 'dee@acme.test');
    expect(back.status).toBe(403);
    expect(back.html).toMatch(/dee@acme.test was removed from this workspace. Ask an admin to invite you again./);
    expect((await admin.post('/api/members', { email: 'dee@acme.test', role: 'member' })).status).toBe(201);
    const w = await window();
    const again = await w.withProvider(world, 'google', 'dee@acme.test');
    expect(again.code).toMatch(/^rgc_/);
  });
});

describe('id_tokens that do not verify', () => {
  const cases: [string, Parameters<OAuthWorld['google']['idTokens']['tamperNext']>[0], RegExp][] = [
    ['a bad signature', { foreignKey: true }, /not signed by the provider’s published keys/],
    ['a wrong aud', { claims: { aud: 'someone-else.apps.googleusercontent.com' } }, /issued for another application/],
    ['an old exp', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, /has expired/],
    ['another nonce', { claims: { nonce: 'n_not-this-sign-in' } }, /belongs to another sign-in \(its nonce differs\)/],
  ];
  for (const [what, tamper, message] of cases) {
    it(`Google: ${what} is refused`, async () => {
      world.google.idTokens.tamperNext(tamper);
      const back = await (await window()).withProvider(world, 'google', 'bo@acme.test');
      expect(back.status).toBe(400);
      expect(back.code).toBeNull();
      expect(back.html).toMatch(message);
    });
  }

  it('Microsoft: an issuer that is not the token’s own tenant’s is refused, as is a bad signature', async () => {
    world.microsoft.idTokens.tamperNext({ claims: { iss: 'https://login.evil.test/x/v2.0' } });
    const wrongIssuer = await (await window()).withProvider(world, 'microsoft', 'cy@acme.test');
    expect(wrongIssuer.html).toMatch(/did not come from the expected issuer/);
    world.microsoft.idTokens.tamperNext({ foreignKey: true });
    const badSignature = await (await window()).withProvider(world, 'microsoft', 'cy@acme.test');
    expect(badSignature.html).toMatch(/not signed by the provider’s published keys/);
  });
});

describe('the extension’s leg', () => {
  it('a redirect to an unknown extension id, or a changed redirect URL, is refused with a page and no redirect', async () => {
    for (const redirect of ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/', `${EXTENSION_REDIRECT}steal`, `https://${CHROME_EXTENSION_ID}.chromiumapp.org.evil.test/`, 'https://evil.test/']) {
      const page = await world.browser().open(loginUrl(ORIGIN, { redirect, state: 's', challenge: pkcePair().challenge }));
      expect(page.status).toBe(400);
      expect(page.chain).toHaveLength(1);
      expect(page.html).toMatch(/not started by a Regrant extension this server knows/);
    }
  });

  it('the Firefox build’s redirect URL is accepted too', async () => {
    const page = await world.browser().open(loginUrl(ORIGIN, { redirect: 'https://8dc989990b3e04316fdc5ed483637560f3c7d718.extensions.allizom.org/', state: 's', challenge: pkcePair().challenge }));
    expect(page.status).toBe(200);
  });

  it('a code works once, with its own verifier only, and for 60 seconds', async () => {
    const w = await window();
    const back = await w.withProvider(world, 'google', 'bo@acme.test');
    expect((await w.trade(back.code!)).status).toBe(200);
    const twice = await w.trade(back.code!);
    expect(twice.status).toBe(400);
    expect(await twice.json()).toEqual({ error: { code: 'invalid_grant', message: 'this sign-in code is unknown or was used already: sign in again' } });

    const w2 = await window();
    const back2 = await w2.withProvider(world, 'google', 'bo@acme.test');
    const wrong = await w2.trade(back2.code!, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/code verifier does not match/);
    // The wrong verifier burnt it: the right one no longer works either.
    expect((await w2.trade(back2.code!)).status).toBe(400);

    const w3 = await window();
    const back3 = await w3.withProvider(world, 'google', 'bo@acme.test');
    // 61 seconds later, as the database sees it.
    await world.rg.db.updateTable('signin_attempts').set({ result_code_expires_at: new Date(Date.now() - 1000).toISOString() }).where('result_code_hash', 'is not', null).where('result_code_used_at', 'is', null).execute();
    const late = await w3.trade(back3.code!);
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired \(they last 60 seconds\)/);
  });

  it('the token route answers the extension’s origin by CORS', async () => {
    const res = await world.rg.app.request('/login/token', { method: 'OPTIONS', headers: { origin: `chrome-extension://${CHROME_EXTENSION_ID}`, 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBe(`chrome-extension://${CHROME_EXTENSION_ID}`);
  });

  it('codes mailed to one address are limited: the sixth within the hour answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 6; i++) {
      const w = await window();
      last = await world.browser().once(`${ORIGIN}/login/email`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ attempt: w.attempt, email: 'flood@acme.test' }).toString() });
      statuses.push(last.status);
    }
    // The first five are refused for another reason (another window's cookie), but counted all the same.
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.text()).toMatch(/Too many sign-in requests from here, or codes for this address/);
  });

  it('a sixth wrong emailed code is refused, even the right one', async () => {
    const w = await window();
    await w.askCode('ned@acme.test');
    const code = await eventually(() => codeIn(world.notify, 'ned@acme.test'));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const o = await w.typeCode(wrong);
      expect(o.status).toBe(400);
      expect(o.html).toMatch(new RegExp(`${5 - i} tr(y|ies) left`));
    }
    const fifth = await w.typeCode(wrong);
    expect(fifth.html).toMatch(/that was the last try/);
    const sixth = await w.typeCode(code);
    expect(sixth.status).toBe(403);
    expect(sixth.code).toBeNull();
    expect(sixth.html).toMatch(/one try too many: after 5 wrong codes this one no longer works/);
    expect(await world.rg.users.byEmail('ned@acme.test')).toBeUndefined();
  });
});
