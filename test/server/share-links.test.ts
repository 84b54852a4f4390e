/**
 * Share links: someone without access to a mailbox copies a link into a chat, and the person
 * holding the mailbox re-grants it without any Regrant login. Chat previews must not use it
 * up; it works once, for one mailbox, until it expires or a newer link replaces it.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody } from '../../shared/api.ts';
import { eventually, type Client } from '../support/regrant.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';

const GMAIL = 'sales@gmail.test';
const OUTLOOK = 'sales@contoso.test';
let world: OAuthWorld;
let admin: Client;
let owner: Client;
let stranger: Client;
let gmail: AccountView;
let outlook: AccountView;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK, 'intruder@gmail.test']);
  admin = await world.rg.user('boss@acme.test', 'admin');
  owner = await world.rg.user('owner@acme.test', 'member');
  stranger = await world.rg.user('stranger@acme.test', 'member');
  gmail = await world.connect(owner, 'google', GMAIL);
  outlook = await world.connect(owner, 'microsoft', OUTLOOK);
});
afterAll(() => world?.stop());

const row = (id: string) => world.rg.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const links = (id: string) => world.rg.db.selectFrom('share_links').selectAll().where('account_id', '=', id).orderBy('id').execute();

async function loseGrant(email: string, id: string) {
  (email === GMAIL ? world.google : world.microsoft).revoke(email);
  const res = await owner.post(`/api/accounts/${id}/check`);
  expect(((await res.json()) as AccountView).state).toBe('needs_reauth');
}

async function shareLink(client: Client, id: string): Promise<{ url: string; expiresAt: string }> {
  const res = await client.post(`/api/accounts/${id}/share-link`);
  expect(res.status).toBe(201);
  return (await res.json()) as { url: string; expiresAt: string };
}

beforeEach(() => {
  world.notify.received.length = 0;
});

it('a share link re-grants the mailbox for someone with no Regrant login; chat previews change nothing', async () => {
  await loseGrant(GMAIL, gmail.id);
  const { url, expiresAt } = await shareLink(admin, gmail.id);
  expect(url).toMatch(/^http:\/\/regrant\.test\/r\/r_[A-Za-z0-9_-]{43}$/); // 256 random bits
  expect((Date.parse(expiresAt) - Date.now()) / 3600_000).toBeCloseTo(72, 1);
  const token = url.split('/r/')[1];
  const stored = (await links(gmail.id)).filter((l) => l.kind === 'manual');
  expect(stored).toHaveLength(1);
  expect(stored[0].token_hash).not.toContain(token);
  expect(stored[0].token_sealed).toBeNull(); // a manual link keeps only its hash
  expect(JSON.stringify(stored)).not.toContain(token);

  const before = { account: await row(gmail.id), links: await links(gmail.id) };
  const preview = world.browser();
  for (let i = 0; i < 3; i++) {
    const page = await preview.open(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain(GMAIL);
    expect(page.html).toContain('Acme');
    expect(page.html).toMatch(/<form method="post" action="\/r\/r_[^"]+">\s*<button type="submit">Continue with Google<\/button>/);
    // Only the mailbox, the workspace and the button: no owner, no ids, no state details.
    expect(page.html).not.toMatch(/owner@acme\.test|boss@acme\.test|acc_|grant_revoked/);
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' https: ${new URL(world.google.authUrl).origin}`);
  }
  expect({ account: await row(gmail.id), links: await links(gmail.id) }).toEqual(before);
  expect(preview.cookies.size).toBe(0); // looking sets nothing either

  const holder = world.browser(); // the mailbox holder's own browser: no Regrant token anywhere
  const done = await holder.submit(url);
  expect(done.status).toBe(200);
  expect(done.html).toMatch(/Reconnected/);
  expect(new URL(done.chain[1]).searchParams.get('login_hint')).toBe(GMAIL);
  expect((await row(gmail.id)).state).toBe('connected');
  const after = await links(gmail.id);
  expect(after.find((l) => l.kind === 'manual')!.used_at).not.toBeNull();
  // The incident's link, in the alert emails, has done its job too.
  expect(after.find((l) => l.kind === 'incident')!.revoked_at).not.toBeNull();

  // Opened again once the mailbox is fixed: the page says it is connected, not a red error.
  const dead = await world.browser().open(url);
  expect(dead.status).toBe(410);
  expect(dead.html).toContain('<h1 class="ok">This mailbox is connected</h1>');
  expect(dead.html).toContain(`<span class="mailbox">${GMAIL}</span> is connected to Acme now`);
  expect(dead.html).toMatch(/already been used/);
  expect(dead.html).not.toContain('class="bad"');
  expect((await world.browser().submit(url)).status).toBe(410);

  const told = await eventually(() => {
    const mails = world.notify.received.filter((m) => /is connected again/.test(m.subject));
    return mails.length >= 2 && mails;
  });
  expect(told.map((m) => m.to[0]).sort()).toEqual(['boss@acme.test', 'owner@acme.test']);
  expect(told[0].text).toMatch(/a share link created by boss@acme\.test/);

  // Once the mailbox has lost its grant again, the used link is an error again: ask for a new one.
  await loseGrant(GMAIL, gmail.id);
  const again = await world.browser().open(url);
  expect(again.status).toBe(410);
  expect(again.html).toContain('<h1 class="bad">This link no longer works</h1>');
  expect(again.html).toMatch(/Ask <span class="mailbox">boss@acme\.test<\/span>/);
});

it('a new link revokes the previous one, and DELETE revokes the live one', async () => {
  const first = await shareLink(owner, outlook.id);
  const second = await shareLink(owner, outlook.id);
  const old = await world.browser().open(first.url);
  expect(old.status).toBe(410);
  expect(old.html).toMatch(/replaced by a newer one or withdrawn/);
  expect((await world.browser().open(second.url)).status).toBe(200);
  expect((await owner.del(`/api/accounts/${outlook.id}/share-link`)).status).toBe(204);
  expect((await world.browser().open(second.url)).status).toBe(410);
});

it("handing the mailbox to another owner revokes its live link and the previous owner's re-grant URL", async () => {
  const { url } = await shareLink(owner, outlook.id);
  const regrant = ((await (await owner.post(`/api/accounts/${outlook.id}/regrant`)).json()) as { url: string }).url;
  expect((await admin.patch(`/api/accounts/${outlook.id}`, { owner: 'stranger@acme.test' })).status).toBe(200);
  const page = await world.browser().open(url);
  expect(page.status).toBe(410);
  expect(page.html).toMatch(/replaced by a newer one or withdrawn/);
  const withdrawn = await world.browser().open(regrant);
  expect(withdrawn.status).toBe(410);
  expect(withdrawn.html).toMatch(/withdrawn: the mailbox has changed hands/);
  expect((await admin.patch(`/api/accounts/${outlook.id}`, { owner: 'owner@acme.test' })).status).toBe(200);
});

it('an expired link shows the friendly page and starts nothing', async () => {
  const { url } = await shareLink(owner, outlook.id);
  await world.rg.db.updateTable('share_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('account_id', '=', outlook.id).where('revoked_at', 'is', null).execute();
  const page = await world.browser().open(url);
  expect(page.status).toBe(410);
  expect(page.html).toMatch(/has expired/);
  expect(page.html).toMatch(/owner@acme\.test/);
  const attemptsBefore = await world.rg.db.selectFrom('oauth_attempts').select('id').execute();
  expect((await world.browser().submit(url)).status).toBe(410);
  expect(await world.rg.db.selectFrom('oauth_attempts').select('id').execute()).toEqual(attemptsBefore);
});

it('a link revoked while its holder is on the consent screen does not re-grant', async () => {
  await loseGrant(OUTLOOK, outlook.id);
  const { url } = await shareLink(owner, outlook.id);
  const holder = world.browser();
  const toConsent = await holder.redirectOf(url, { method: 'POST' });
  expect(toConsent.status).toBe(303);
  await owner.del(`/api/accounts/${outlook.id}/share-link`);
  const before = await row(outlook.id);
  const page = await holder.open(toConsent.location!);
  expect(page.status).toBe(410);
  expect(page.html).toMatch(/replaced by a newer one or withdrawn/);
  expect(await row(outlook.id)).toEqual(before);
});

it('a link only ever re-grants its own mailbox', async () => {
  const { url } = await shareLink(admin, gmail.id);
  world.google.nextConsent({ as: 'intruder@gmail.test' });
  const before = await row(gmail.id);
  const page = await world.browser().submit(url);
  expect(page.status).toBe(409);
  expect(page.html).toMatch(/this re-authentication is for <span class="mailbox">sales@gmail\.test/);
  expect(await row(gmail.id)).toEqual(before);
  expect((await world.browser().open(url)).status).toBe(200); // still usable by the right person
});

it("a member cannot create or revoke a link for someone else's mailbox", async () => {
  for (const res of [await stranger.post(`/api/accounts/${gmail.id}/share-link`), await stranger.del(`/api/accounts/${gmail.id}/share-link`)]) {
    expect(res.status).toBe(404);
    expect(((await res.json()) as ApiErrorBody).error.code).toBe('not_found');
  }
  expect((await stranger.post(`/api/accounts/${gmail.id}/regrant`)).status).toBe(404);
});

it('removing the mailbox kills its link', async () => {
  const extra = await world.connect(owner, 'google', 'intruder@gmail.test');
  const { url } = await shareLink(owner, extra.id);
  expect((await world.browser().open(url)).status).toBe(200);
  expect((await owner.del(`/api/accounts/${extra.id}`)).status).toBe(204);
  const page = await world.browser().open(url);
  expect(page.status).toBe(410);
  expect(page.html).toMatch(/not valid/);
});

it('dead sign-ins and long-dead links are forgotten; live ones are kept', async () => {
  const { purgeDeadSignIns } = await import('../../server/reauth/housekeeping.ts');
  const live = await shareLink(owner, outlook.id);
  await (await owner.post(`/api/accounts/${gmail.id}/regrant`)).json();
  const day = 24 * 3600_000;
  const later = new Date(Date.now() + 34 * day);
  const attemptsBefore = (await world.rg.db.selectFrom('oauth_attempts').select('id').execute()).length;
  expect(attemptsBefore).toBeGreaterThan(0);
  const soon = await purgeDeadSignIns(world.rg.db, new Date(Date.now() + 60_000));
  expect(soon).toEqual({ attempts: 0, links: 0 });
  expect((await world.browser().open(live.url)).status).toBe(200);
  const result = await purgeDeadSignIns(world.rg.db, later);
  expect(result.attempts).toBe(attemptsBefore);
  expect(result.links).toBeGreaterThan(0);
  expect(await world.rg.db.selectFrom('oauth_attempts').select('id').execute()).toHaveLength(0);
  // The live link expires in 72 h: 34 days on it has been dead for more than 30.
  expect(await world.rg.db.selectFrom('share_links').select('id').execute()).toHaveLength(0);
});
