/**
 * The heart of the product, on the Google and Microsoft fakes with real Dovecot and
 * smtp-server: mailboxes are connected, a revoked grant turns them red after one check and
 * alerts the admin, the owner and the mailbox once, and the one-time re-grant URL brings them
 * back, unless someone signs in as a different mailbox, which changes nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedText } from '../support/database.ts';
import type { AccountEvent, AccountView } from '../../shared/api.ts';
import type { Client } from '../support/regrant.ts';
import { eventually } from '../support/regrant.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';

const GMAIL = 'mia@gmail.test';
const OUTLOOK = 'mia@contoso.test';
let world: OAuthWorld;
let admin: Client;
let mia: Client;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK, 'someone.else@gmail.test', 'someone.else@contoso.test']);
  admin = await world.rg.user('boss@acme.test', 'admin');
  mia = await world.rg.user('mia.owner@acme.test', 'member');
});
afterAll(() => world?.stop());

const row = (id: string) => world.rg.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const check = async (client: Client, id: string) => (await (await client.post(`/api/accounts/${id}/check`)).json()) as AccountView;
const events = async (id: string) => ((await (await admin.get(`/api/accounts/${id}/events`)).json()) as { events: AccountEvent[] }).events;
const mailsAbout = (email: string, subject: RegExp) => world.notify.received.filter((m) => m.text.includes(email) && subject.test(m.subject));

async function regrantUrl(client: Client, id: string): Promise<string> {
  const res = await client.post(`/api/accounts/${id}/regrant`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { url: string; expiresAt: string };
  expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  return body.url;
}

for (const [provider, email] of [['google', GMAIL], ['microsoft', OUTLOOK]] as const) {
  describe(`a ${provider} mailbox`, () => {
    let account: AccountView;

    it('connects through the consent screen and passes a real check', async () => {
      account = await world.connect(mia, provider, email);
      expect(account).toMatchObject({ email, provider, state: 'connected', owner: { email: 'mia.owner@acme.test' }, smtp: null, imap: null });
      expect((await events(account.id))[0]).toMatchObject({ from: 'new', to: 'connected', reason: { code: 'connected' } });
      // Whoever consented learns who holds the access now and how to take it back; every admin hears of it too.
      const told = await eventually(() => mailsAbout(email, /was connected/).length >= 3 && mailsAbout(email, /was connected/));
      expect(told.map((m) => m.to[0]).sort()).toEqual([email, 'mia.owner@acme.test', 'boss@acme.test'].sort());
      expect(told[0].text).toMatch(/by mia\.owner@acme\.test.*\n[\s\S]*remove the access at https:\/\//);
      expect((await check(mia, account.id)).state).toBe('connected');
      // The refresh token is sealed at rest and is the one the provider considers valid now.
      const stored = await row(account.id);
      const refresh = world.rg.accounts.credentials(stored).refreshToken!;
      const fake = provider === 'google' ? world.google : world.microsoft;
      expect(fake.validRefreshTokens(email)).toEqual([refresh]);
      expect(stored.oauth_refresh_token).not.toContain(refresh);
      expect((await storedText(world.rg.db, world.rg.dataDir)).includes(refresh)).toBe(false);
      const seen = JSON.stringify(await (await mia.get(`/api/accounts/${account.id}`)).json());
      expect(seen).not.toContain(refresh);
    });

    it('a revoked grant turns it needs_reauth after one check and alerts three people once', async () => {
      (provider === 'google' ? world.google : world.microsoft).revoke(email);
      const lost = await check(mia, account.id);
      expect(lost.state).toBe('needs_reauth');
      expect(lost.reason?.code).toBe('grant_revoked');
      expect(lost.reason?.hint).toMatch(/Re-grant access/);
      expect(lost.nextCheckAt).toBeNull();
      await check(admin, account.id); // a second look opens no second incident
      const alerts = await eventually(() => {
        const mails = mailsAbout(email, /needs re-authentication/);
        return mails.length >= 3 && mails;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(mailsAbout(email, /needs re-authentication/)).toHaveLength(3);
      expect(alerts.map((m) => m.to[0]).sort()).toEqual(['boss@acme.test', email, 'mia.owner@acme.test'].sort());
      expect(alerts[0].text).toMatch(/access was revoked/);
    });

    it('re-granting as a different mailbox is refused and changes nothing', async () => {
      const before = await row(account.id);
      const eventsBefore = await events(account.id);
      const url = await regrantUrl(mia, account.id);
      const other = provider === 'google' ? 'someone.else@gmail.test' : 'someone.else@contoso.test';
      (provider === 'google' ? world.google : world.microsoft).nextConsent({ as: other });
      const page = await world.browser().open(url);
      expect(page.status).toBe(409);
      expect(page.html).toMatch(new RegExp(`You signed in as <span class="mailbox">${other}</span>`));
      expect(page.html).toMatch(/Nothing was changed/);
      expect(page.html).toMatch(/Try again as/);
      expect(await row(account.id)).toEqual(before); // state, sealed token, updated_at: all as they were
      expect(await events(account.id)).toEqual(eventsBefore);
      // Google lets Regrant withdraw the grant it refused; Microsoft has no such endpoint.
      if (provider === 'google') await eventually(() => world.google.validRefreshTokens(other).length === 0);
    });

    it('the one-time re-grant URL brings it back: connected, event recorded, owner emailed, pending-email hook called', async () => {
      const announced: string[] = [];
      const off = world.rg.health.onReconnected((id) => announced.push(id));
      const before = await row(account.id);
      const page = await world.browser().open(await regrantUrl(admin, account.id));
      off();
      expect(page.status).toBe(200);
      expect(page.html).toMatch(/Reconnected/);
      expect(page.html).toContain(email);
      expect(page.chain).toHaveLength(3); // start URL → consent → callback
      const after = await row(account.id);
      expect(after.state).toBe('connected');
      expect(after.reason_code).toBeNull();
      expect(after.next_check_at).not.toBeNull();
      expect(after.oauth_refresh_token).not.toBe(before.oauth_refresh_token);
      expect(announced).toEqual([account.id]);
      const [latest] = await events(account.id);
      expect(latest).toMatchObject({ from: 'needs_reauth', to: 'connected', reason: { code: 'regranted' } });
      expect(latest.reason?.message).toMatch(/a re-grant by boss@acme\.test/);
      const told = await eventually(() => mailsAbout(email, /is connected again/).length > 0 && mailsAbout(email, /is connected again/));
      expect(told.map((m) => m.to[0])).toEqual(['mia.owner@acme.test']);
      expect((await check(mia, account.id)).state).toBe('connected'); // the new grant works at the provider
    });
  });
}

describe('Microsoft refresh tokens rotate', () => {
  it('every check stores the rotated refresh token, so the next check still works', async () => {
    const { accounts } = (await (await mia.get('/api/accounts')).json()) as { accounts: AccountView[] };
    const outlook = accounts.find((a) => a.email === OUTLOOK)!;
    for (let i = 0; i < 3; i++) {
      const before = world.rg.accounts.credentials(await row(outlook.id)).refreshToken;
      expect((await check(mia, outlook.id)).state).toBe('connected');
      const after = world.rg.accounts.credentials(await row(outlook.id)).refreshToken;
      expect(after).not.toBe(before);
      expect(world.microsoft.validRefreshTokens(OUTLOOK)).toEqual([after]);
    }
  });

  it('IMAP and SMTP are both checked with the access token: a rejected XOAUTH2 login is a lost grant', async () => {
    const { accounts } = (await (await mia.get('/api/accounts')).json()) as { accounts: AccountView[] };
    const outlook = accounts.find((a) => a.email === OUTLOOK)!;
    world.microsoft.fail(OUTLOOK, 'imap_rejected');
    try {
      const lost = await check(mia, outlook.id);
      expect(lost.state).toBe('needs_reauth');
      const [event] = await events(outlook.id);
      expect(event.detail).toMatch(/imap|smtp/);
    } finally {
      world.microsoft.fail(OUTLOOK, null);
    }
  });
});
