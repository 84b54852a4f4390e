/**
 * The webhooks API as its users meet it: add (a standard webhook's secret shown once and kept
 * sealed), list, change, test, deliveries, remove; refusals in words for bad formats, events
 * and URLs that point inside the network; members see only their own webhooks. And a custom
 * mailbox that needs a new password: its message links to the Fix page, not a share link.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../../server/crypto/index.ts';
import type { ApiErrorBody, AccountView, WebhookDeliveries, WebhookList, WebhookTestResult, WebhookView } from '../../shared/api.ts';
import { webhookDeliveriesSchema, webhookListSchema, webhookTestResultSchema, webhookViewSchema } from '../../shared/responses.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';
import { eventually, type Client } from '../support/regrant.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const MAILBOX = 'ops@acme.test';
let world: CustomWorld;
let admin: Client;
let member: Client;
let receiver: Receiver;

beforeAll(async () => {
  world = await startCustomWorld(MAILBOX, 'pw-1', {}, { WORKSPACE_NAME: 'Acme' });
  admin = await world.rg.user('boss@acme.test', 'admin');
  member = await world.rg.user('sam@acme.test', 'member');
  receiver = await startReceiver();
}, 60_000);
afterAll(async () => {
  await world?.stop();
  await receiver?.close();
});

const json = async <T>(res: Response) => (await res.json()) as T;

it('a standard webhook answers its secret once; it is kept sealed and never shown again', async () => {
  const res = await world.owner.post('/api/webhooks', { url: receiver.url, format: 'standard' });
  expect(res.status).toBe(201);
  const hook = webhookViewSchema.parse(await res.json());
  expect(hook).toMatchObject({ url: receiver.url, format: 'standard', events: ['mailbox.needs_reauth', 'mailbox.unreachable', 'mailbox.reconnected'], owner: { email: world.owner.email } });
  expect(hook.secret).toMatch(/^whsec_/);
  const again = await json<WebhookView>(await world.owner.get(`/api/webhooks/${hook.id}`));
  expect(again.secret).toBeUndefined();
  const listed = webhookListSchema.parse(await json<WebhookList>(await world.owner.get('/api/webhooks')));
  expect(JSON.stringify(listed)).not.toContain(hook.secret!);
  const stored = await world.rg.db.selectFrom('webhooks').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
  expect(JSON.stringify(stored)).not.toContain(hook.secret!.slice(6));
  expect(JSON.stringify(stored)).not.toContain(receiver.url);

  // The test event is signed with that secret, and the answer says what the receiver said.
  const tested = webhookTestResultSchema.parse(await json<WebhookTestResult>(await world.owner.post(`/api/webhooks/${hook.id}/test`)));
  expect(tested).toMatchObject({ ok: true, responseStatus: 200 });
  const got = receiver.received.at(-1)!;
  expect(new Webhook(hook.secret!).verify(got.body, got.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test', data: { webhookId: hook.id } });
  receiver.script.push(500);
  const refused = await json<WebhookTestResult>(await world.owner.post(`/api/webhooks/${hook.id}/test`));
  expect(refused).toEqual({ ok: false, deliveryId: expect.any(String), responseStatus: 500, error: '500 Internal Server Error: try later' });
  const { deliveries } = webhookDeliveriesSchema.parse(await json<WebhookDeliveries>(await world.owner.get(`/api/webhooks/${hook.id}/deliveries`)));
  expect(deliveries.map((d) => [d.id, d.event, d.attempt, d.status, d.responseStatus])).toEqual([
    [refused.deliveryId, 'webhook.test', 1, 'failed', 500],
    [tested.deliveryId, 'webhook.test', 1, 'delivered', 200],
  ]);
  await world.owner.del(`/api/webhooks/${hook.id}`);
});

it('refuses, in words, a bad format, bad events and URLs that are not http(s) or point inside the network', async () => {
  const cases: Array<[unknown, RegExp, string]> = [
    [{ url: receiver.url, format: 'discord' }, /format: must be one of standard, slack, teams/, 'format'],
    [{ url: receiver.url, format: 'slack', events: ['mailbox.deleted'] }, /events\.0: each must be one of mailbox\.needs_reauth/, 'events.0'],
    [{ url: receiver.url, format: 'slack', events: [] }, /events: must name at least one/, 'events'],
    [{ url: 'ftp://hooks.acme.test/x', format: 'slack' }, /url: must start with https:\/\/ or http:\/\/ \(got ftp:\/\/\)/, 'url'],
    [{ url: 'not a url', format: 'slack' }, /url: must be an http:\/\/ or https:\/\/ URL/, 'url'],
    [{ url: 'http://10.1.2.3/hook', format: 'teams' }, /url: 10\.1\.2\.3 is a private address.*ALLOW_PRIVATE_HOSTS/, 'url'],
    [{ url: 'http://169.254.169.254/latest', format: 'standard' }, /url: 169\.254\.169\.254 is a link-local address/, 'url'],
    [{ url: 'http://[::1]:8080/', format: 'standard' }, /url: \[::1\] is a loopback address/, 'url'],
  ];
  for (const [body, message, field] of cases) {
    const res = await world.owner.post('/api/webhooks', body);
    const error = (await json<ApiErrorBody>(res)).error;
    expect({ body, status: res.status, code: error.code, field: error.field }).toEqual({ body, status: 422, code: 'invalid_input', field });
    expect(error.message).toMatch(message);
  }
  expect(await world.rg.db.selectFrom('webhooks').selectAll().execute()).toEqual([]);
});

it("members see and change only their own webhooks; admins see everyone's", async () => {
  const mine = await json<WebhookView>(await world.owner.post('/api/webhooks', { url: receiver.url, format: 'slack', events: ['mailbox.needs_reauth'] }));
  const sams = await json<WebhookView>(await member.post('/api/webhooks', { url: receiver.url, format: 'teams' }));
  expect(mine.secret).toBeUndefined();
  expect((await json<WebhookList>(await member.get('/api/webhooks'))).webhooks.map((w) => w.id)).toEqual([sams.id]);
  expect((await json<WebhookList>(await admin.get('/api/webhooks'))).webhooks.map((w) => w.id)).toEqual([mine.id, sams.id]);
  for (const res of [await member.get(`/api/webhooks/${mine.id}`), await member.patch(`/api/webhooks/${mine.id}`, { events: ['mailbox.reconnected'] }), await member.del(`/api/webhooks/${mine.id}`), await member.post(`/api/webhooks/${mine.id}/test`), await member.get(`/api/webhooks/${mine.id}/deliveries`)]) {
    expect(res.status).toBe(404);
  }

  const changed = await json<WebhookView>(await world.owner.patch(`/api/webhooks/${mine.id}`, { events: ['mailbox.needs_reauth', 'mailbox.reconnected'] }));
  expect(changed.events).toEqual(['mailbox.needs_reauth', 'mailbox.reconnected']);
  const refused = await world.owner.patch(`/api/webhooks/${mine.id}`, { url: 'http://192.168.1.10/' });
  expect(refused.status).toBe(422);
  expect((await json<WebhookView>(await world.owner.get(`/api/webhooks/${mine.id}`))).url).toBe(receiver.url);
  expect((await world.owner.patch(`/api/webhooks/${mine.id}`, { format: 'teams' })).status).toBe(422);

  expect((await admin.del(`/api/webhooks/${sams.id}`)).status).toBe(204);
  expect((await member.get(`/api/webhooks/${sams.id}`)).status).toBe(404);
});

it('one person has at most 20 webhooks', async () => {
  for (let i = 0; i < 20; i++) expect((await member.post('/api/webhooks', { url: `${receiver.url}/${i}`, format: 'slack' })).status).toBe(201);
  const res = await member.post('/api/webhooks', { url: receiver.url, format: 'slack' });
  expect(res.status).toBe(422);
  expect((await json<ApiErrorBody>(res)).error.message).toBe('you have 20 webhooks, the most one person may have: remove one first');
  for (const hook of (await json<WebhookList>(await member.get('/api/webhooks'))).webhooks) await member.del(`/api/webhooks/${hook.id}`);
});

it("a custom mailbox that needs a new password: the message carries its repair link (the incident's link); the older Fix page still shows nothing of it", async () => {
  receiver.received.length = 0;
  const hooks = await json<WebhookList>(await world.owner.get('/api/webhooks'));
  expect(hooks.webhooks.map((w) => w.format)).toEqual(['slack']);
  world.smtp.setPassword(MAILBOX, 'pw-2');
  const res = await world.owner.post(`/api/accounts/${world.account.id}/check`);
  expect((await json<AccountView>(res)).state).toBe('needs_reauth');
  await eventually(() => receiver.received.length === 1, 5000);
  const message = receiver.json<{ text: string; blocks: Array<{ type: string; elements?: Array<{ url: string; text: { text: string } }> }> }>()[0];
  const button = message.blocks.find((b) => b.type === 'actions')!.elements![0];
  expect(button.text.text).toBe(`Fix ${MAILBOX}`);
  expect(button.url).toMatch(/^http:\/\/regrant\.test\/r\/r_[\w-]{43}$/);
  expect(message.text).toContain(`${MAILBOX} needs re-authentication`);
  const token = button.url.split('/r/')[1];
  const links = await world.rg.db.selectFrom('share_links').selectAll().execute();
  expect(links).toEqual([expect.objectContaining({ account_id: world.account.id, kind: 'incident', token_hash: hashToken(token), created_by: null, revoked_at: null, used_at: null })]);

  // Chat messages posted before repair links existed point at /fix/:id: it still answers.
  const page = await world.rg.app.request(`/fix/${world.account.id}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Test Sending');
  expect(html).not.toContain(MAILBOX);
  expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
});
