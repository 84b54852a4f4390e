/**
 * A cause is told to whoever can fix it (issue 23): Regrant's own Microsoft client secret
 * refused with 20 Microsoft mailboxes → each admin gets one operator alert naming the setting
 * and the count, owners and mailboxes nothing; once the secret works again, one "resolved"
 * message. Real Microsoft stand-in, Dovecot (XOAUTH2) and smtp-server; a clock the test moves.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { statusResponseSchema } from '../../shared/responses.ts';
import { groupedMessage } from '../../server/alerts/index.ts';
import { recheckOperatorCauses } from '../../server/accounts/recheck.ts';
import { alertMails } from '../support/alert-mail.ts';
import { movableClock } from '../support/clock.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import type { Client } from '../support/regrant.ts';

const mailboxes = Array.from({ length: 20 }, (_, i) => `user${i + 1}@contoso.test`);
const clock = movableClock();
let world: OAuthWorld;
let admin: Client;
const accounts: AccountView[] = [];

beforeAll(async () => {
  world = await startOAuthWorld(mailboxes, { ALERT_GROUP_WAIT_SECONDS: '60', ALERT_GROUP_INTERVAL_SECONDS: '300', WORKSPACE_NAME: 'Acme' }, { clock: clock.now });
  admin = await world.rg.user('ann@acme.test', 'admin');
  await world.rg.user('bob@acme.test', 'admin');
  const sam = await world.rg.user('sam@acme.test', 'member');
  for (const email of mailboxes) accounts.push(await world.connect(sam, 'microsoft', email));
  // The connect notices go at once; what follows is counted from here.
  await world.rg.notifier.kick();
}, 120_000);
afterAll(() => world?.stop());

it('Microsoft refuses Regrant\'s client secret for 20 mailboxes: each admin gets one operator alert, owners and mailboxes none, then one resolved message', async () => {
  const before = world.notify.received.length;
  for (const email of mailboxes) world.microsoft.fail(email, 'bad_secret');
  for (const a of accounts) {
    const after = (await (await admin.post(`/api/accounts/${a.id}/check`)).json()) as AccountView;
    expect(after.reason?.code).toBe('oauth_secret_rejected');
  }
  clock.advance(61_000);
  await world.rg.notifier.kick();
  const told = world.notify.received.slice(before).map((m) => m.to[0]).sort();
  expect(told).toEqual(['ann@acme.test', 'bob@acme.test']);
  const alert = (await alertMails(world.notify, 'ann@acme.test')).at(-1)!;
  expect(alert.subject).toBe('Acme: Microsoft refuses Regrant\'s client secret (20 mailboxes wait)');
  expect(alert.text).toContain('Setting: MICROSOFT_CLIENT_SECRET');
  expect(alert.text).toContain('Mailboxes waiting on it: 20');
  expect(alert.text).toContain('Only the Regrant operator can fix this');
  // One cause, not a list of 20 mailboxes to re-grant.
  expect(alert.text).not.toContain(mailboxes[0]);

  // Admins see it as one cause in the status (the popup's and accounts page's banner).
  const status = statusResponseSchema.parse(await (await admin.get('/api/status')).json());
  expect(status.causes).toEqual([{ id: 'oauth_secret_rejected:operator', code: 'oauth_secret_rejected', message: 'Microsoft refuses Regrant\'s client secret: 20 mailboxes wait on MICROSOFT_CLIENT_SECRET', count: 20, audience: 'operator', setting: 'MICROSOFT_CLIENT_SECRET', hint: expect.stringContaining('MICROSOFT_CLIENT_SECRET') }]);

  // The operator fixes the secret and restarts: the mailboxes it held are checked again at once.
  for (const email of mailboxes) world.microsoft.fail(email, null);
  expect(await recheckOperatorCauses(world.rg.db, new Date())).toBe(20);
  for (const a of accounts) expect(((await (await admin.post(`/api/accounts/${a.id}/check`)).json()) as AccountView).state).toBe('connected');
  clock.advance(301_000);
  await world.rg.notifier.kick();
  const all = world.notify.received.slice(before).map((m) => m.to[0]).sort();
  expect(all).toEqual(['ann@acme.test', 'ann@acme.test', 'bob@acme.test', 'bob@acme.test']);
  expect(statusResponseSchema.parse(await (await admin.get('/api/status')).json()).causes).toBeUndefined();
  const resolved = (await alertMails(world.notify, 'bob@acme.test')).at(-1)!;
  expect(resolved.subject).toBe('Acme: resolved: Microsoft refuses Regrant\'s client secret');
  expect(resolved.text).toContain('Microsoft refuses Regrant\'s client secret: fixed');

  // Nothing more: no reminder of a fixed cause, no second resolved message.
  clock.advance(25 * 3_600_000);
  await world.rg.notifier.kick();
  expect(world.notify.received.length).toBe(before + 4);
});

it('slack and teams webhooks get the same grouped message from the groups, for the mailboxes they collected', async () => {
  for (const email of mailboxes.slice(0, 3)) world.microsoft.fail(email, 'bad_secret');
  for (const a of accounts.slice(0, 3)) await admin.post(`/api/accounts/${a.id}/check`);
  const digest = await world.rg.notifier.groups.describe(accounts.map((a) => a.id));
  const message = groupedMessage(digest!);
  expect(message.title).toBe('Acme: Microsoft refuses Regrant\'s client secret (3 mailboxes wait)');
  expect(message.lines).toContain('• Microsoft refuses Regrant\'s client secret: Setting: MICROSOFT_CLIENT_SECRET · Mailboxes waiting on it: 3 · How to fix it: The Regrant operator must put a valid secret of the app registration in MICROSOFT_CLIENT_SECRET and restart Regrant; re-granting will not help.');
  for (const email of mailboxes.slice(0, 3)) world.microsoft.fail(email, null);
  for (const a of accounts.slice(0, 3)) await admin.post(`/api/accounts/${a.id}/check`);
  expect(await world.rg.notifier.groups.describe(accounts.map((a) => a.id))).toBeNull();
});
