/**
 * Connecting a mailbox cannot hand it to someone else. A connect link shows, before the
 * provider's consent, who will manage and send from the mailbox, and goes on only by its
 * button (POST). A member's connect attaches only the member's own address; any other waits,
 * held, until an admin approves or refuses it. Admins are emailed about every newly connected
 * mailbox. A password mailbox never blocks an admin's Google connect of its address: the admin
 * is told whose it is and may replace it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody } from '../../shared/api.ts';
import type { PendingConnectionView } from '../../server/reauth/pending.ts';
import { TestBrowser } from '../support/browser.ts';
import { consent } from '../support/oauth-servers.ts';
import { ORIGIN, startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { customMailbox, type Client } from '../support/regrant.ts';

const CEO = 'ceo@gmail.test';
const OWN = 'sam@gmail.test';
const DESK = 'desk@gmail.test';
let world: OAuthWorld;
let admin: Client;
let sam: Client;
let zoe: Client;

beforeAll(async () => {
  world = await startOAuthWorld([CEO, OWN, DESK, 'other@gmail.test']);
  admin = await world.rg.user('boss@acme.test', 'admin');
  sam = await world.rg.user(OWN, 'member');
  zoe = await world.rg.user('zoe@acme.test', 'member');
});
afterAll(() => world?.stop());

const connectUrl = async (client: Client) => ((await (await client.post('/api/connect/google')).json()) as { url: string }).url;
const accountAt = (email: string) => world.rg.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
const mailAbout = async (accountId: string) => (await world.rg.db.selectFrom('mail_queue').select('recipient').where('account_id', '=', accountId).orderBy('recipient').execute()).map((m) => m.recipient);
const pendingList = async () => ((await (await admin.get('/api/pending-connections')).json()) as { pending: PendingConnectionView[] }).pending;

it("a connect link opened by another mailbox's holder first shows who will manage it, and GET changes nothing", async () => {
  const url = await connectUrl(sam);
  const browser = world.browser();
  for (let i = 0; i < 2; i++) {
    const page = await browser.open(url);
    expect(page.status).toBe(200);
    expect(page.chain).toEqual([url]);
    expect(page.html).toContain('<span class="mailbox">sam@gmail.test</span> will manage and send from this mailbox.');
    expect(page.html).toContain(`<form method="post" action="${new URL(url).pathname}">`);
    expect(page.headers.get('content-security-policy')).toMatch(/form-action 'self'/);
  }
  // The button goes on to Google's consent screen.
  const hop = await browser.redirectOf(url, { method: 'POST' });
  expect(hop.status).toBe(303);
  expect(hop.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/);
});

it("a member's connect of another address waits for an admin, who sees who asked and approves", async () => {
  const page = await consent(world.browser(), world, 'google', CEO, await connectUrl(sam));
  expect(page.status).toBe(202);
  expect(page.html).toContain('Waiting for an administrator');
  expect(await accountAt(CEO)).toBeUndefined();

  const refused = await sam.get('/api/pending-connections');
  expect(refused.status).toBe(403);
  const [held] = await pendingList();
  expect(held).toMatchObject({ provider: 'google', email: CEO, requestedBy: { email: OWN }, replaces: null });
  // The admins are told, through the mail queue.
  const told = await world.rg.db.selectFrom('mail_queue').select(['recipient', 'subject', 'text_body']).where('subject', 'like', `%${CEO} waits for your approval`).execute();
  expect(told.map((m) => m.recipient)).toEqual(['boss@acme.test']);
  expect(told[0].text_body).toContain(`${OWN} connected ${CEO} with Google`);
  expect(told[0].text_body).toContain(`/api/pending-connections/${held.id}/approve`);

  expect((await sam.post(`/api/pending-connections/${held.id}/approve`)).status).toBe(403);
  const approved = await admin.post(`/api/pending-connections/${held.id}/approve`);
  expect(approved.status).toBe(201);
  const { accountId } = (await approved.json()) as { accountId: string };
  const row = await accountAt(CEO);
  expect(row).toMatchObject({ id: accountId, provider: 'google', state: 'connected', owner_id: (await world.rg.users.byEmail(OWN))!.id });
  expect(row!.verified_at).not.toBeNull();
  expect(await mailAbout(accountId)).toEqual(['boss@acme.test', CEO, OWN].sort());
  expect(await pendingList()).toEqual([]);
  expect(((await (await admin.post(`/api/pending-connections/${held.id}/approve`)).json()) as ApiErrorBody).error.code).toBe('not_found');
});

it("a member's own address is connected at once, and the admins are emailed about it", async () => {
  const page = await consent(world.browser(), world, 'google', OWN, await connectUrl(sam));
  expect(page.html).toContain('Mailbox connected');
  const row = await accountAt(OWN);
  expect(row?.state).toBe('connected');
  expect(await mailAbout(row!.id)).toEqual(['boss@acme.test', OWN]);
});

it('a refused connection attaches nothing', async () => {
  await consent(world.browser(), world, 'google', 'other@gmail.test', await connectUrl(zoe));
  const [held] = await pendingList();
  expect(held).toMatchObject({ email: 'other@gmail.test', requestedBy: { email: 'zoe@acme.test' } });
  expect((await admin.post(`/api/pending-connections/${held.id}/refuse`)).status).toBe(204);
  expect(await accountAt('other@gmail.test')).toBeUndefined();
  expect(await pendingList()).toEqual([]);
  const stored = await world.rg.db.selectFrom('pending_connections').select(['decision', 'refresh_token']).where('id', '=', held.id).executeTakeFirstOrThrow();
  expect(stored).toEqual({ decision: 'refused', refresh_token: '' });
});

it("a password mailbox never blocks an admin's Google connect: the admin is told whose it is and can replace it", async () => {
  const custom = (await (await zoe.post('/api/accounts', customMailbox(DESK, { port: 2525 }, { port: 1143 }, 'pw'))).json()) as AccountView;
  const page = await consent(world.browser(), world, 'google', DESK, await connectUrl(admin));
  expect(page.status).toBe(202);
  expect(page.html).toContain('This mailbox is in Regrant with a password');
  expect(page.html).toContain('owned by <span class="mailbox">zoe@acme.test</span>');
  expect((await accountAt(DESK))?.provider).toBe('custom');
  const [held] = await pendingList();
  expect(held).toMatchObject({ email: DESK, requestedBy: { email: 'boss@acme.test' }, replaces: { id: custom.id, owner: 'zoe@acme.test' } });

  expect((await admin.post(`/api/pending-connections/${held.id}/approve`)).status).toBe(201);
  const row = await accountAt(DESK);
  expect(row).toMatchObject({ id: custom.id, provider: 'google', state: 'connected', owner_id: (await world.rg.users.byEmail('zoe@acme.test'))!.id, smtp_host: null, imap_password: null });
  expect(row!.oauth_refresh_token).not.toBeNull();
  const events = (await (await admin.get(`/api/accounts/${custom.id}/events`)).json()) as { events: { reason: { message: string } | null }[] };
  expect(events.events[0].reason?.message).toMatch(/Google connection approved by boss@acme.test, replacing its password settings/);
});

it('a member at MAX_MAILBOXES_PER_MEMBER connecting their own address is told why nothing was added', async () => {
  const capped = await world.regrant({ MAX_MAILBOXES_PER_MEMBER: '1' });
  const other = await capped.user('other@gmail.test', 'member');
  expect((await other.post('/api/accounts', customMailbox('first@acme.test', { port: 2525 }, { port: 1143 }, 'pw'))).status).toBe(201);
  const url = ((await (await other.post('/api/connect/google')).json()) as { url: string }).url;
  const page = await consent(new TestBrowser(capped.app, ORIGIN), world, 'google', 'other@gmail.test', url);
  expect(page.status).toBe(429);
  expect(page.html).toContain('other@gmail.test has 1 mailboxes in Regrant, the most a member may have (MAX_MAILBOXES_PER_MEMBER is 1).');
  expect(await capped.db.selectFrom('accounts').select('email').execute()).toEqual([{ email: 'first@acme.test' }]);
});

it('the confirmation page is only for connects: an expired or used link says so', async () => {
  const url = await connectUrl(sam);
  await world.rg.db.updateTable('oauth_attempts').set({ start_expires_at: new Date(Date.now() - 1000).toISOString() }).where('purpose', '=', 'connect').where('started_at', 'is', null).execute();
  const page = await world.browser().open(url);
  expect(page.status).toBe(410);
  expect(page.html).toMatch(/expired/);
  expect(ORIGIN).toBe('http://regrant.test');
});
