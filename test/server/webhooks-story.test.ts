/**
 * Webhooks tell the team where it already talks: a Gmail mailbox loses its grant and, within
 * 5 s, a Standard Webhooks receiver gets a signed event that the specification's own library
 * verifies, a Slack receiver that answers 503 twice gets the same message on its third try, a
 * Teams receiver an Adaptive Card, and another member's webhook nothing. The share link in the
 * Slack message survives a link-preview bot and reconnects the mailbox; then
 * `mailbox.reconnected` arrives.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, WebhookDeliveries, WebhookView } from '../../shared/api.ts';
import { eventually, type Client } from '../support/regrant.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const GMAIL = 'mia@gmail.test';
const RETRY_MS = 300;
let world: OAuthWorld;
let admin: Client;
let owner: Client;
let stranger: Client;
let gmail: AccountView;
const receivers: Record<'standard' | 'slack' | 'teams' | 'stranger', Receiver> = {} as never;
const hooks: Record<string, WebhookView> = {};

interface StandardEvent {
  type: string;
  timestamp: string;
  data: { accountId: string; email: string; provider: string; state: string; reason: { code: string; message: string }; pendingEmails: number; shareUrl?: string };
}
interface SlackMessage {
  text: string;
  blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ type: string; url: string; text: { text: string } }> }>;
}

async function addHook(client: Client, receiver: Receiver, format: string): Promise<WebhookView> {
  const res = await client.post('/api/webhooks', { url: receiver.url, format });
  expect(res.status).toBe(201);
  return (await res.json()) as WebhookView;
}

beforeAll(async () => {
  // Re-tries every 300 ms instead of 5 s, 30 s…: the schedule itself is proven in server/webhooks/dispatch.test.ts.
  world = await startOAuthWorld([GMAIL], { WORKSPACE_NAME: 'Acme' }, { webhookRetryMs: () => RETRY_MS, webhookPollMs: 100 });
  world.rg.webhooks.start();
  admin = await world.rg.user('boss@acme.test', 'admin');
  owner = await world.rg.user('owner@acme.test', 'member');
  stranger = await world.rg.user('stranger@acme.test', 'member');
  gmail = await world.connect(owner, 'google', GMAIL);
  receivers.standard = await startReceiver();
  receivers.slack = await startReceiver([503, 503]);
  receivers.teams = await startReceiver();
  receivers.stranger = await startReceiver();
  hooks.standard = await addHook(admin, receivers.standard, 'standard');
  hooks.teams = await addHook(admin, receivers.teams, 'teams');
  hooks.slack = await addHook(owner, receivers.slack, 'slack');
  hooks.stranger = await addHook(stranger, receivers.stranger, 'standard');
}, 60_000);
afterAll(async () => {
  await world?.stop();
  await Promise.all(Object.values(receivers).map((r) => r?.close()));
});

const verified = (r: Receiver, i: number) => new Webhook(hooks.standard.secret!).verify(r.received[i].body, r.received[i].headers as Record<string, string>) as StandardEvent;

it('a lost Gmail grant reaches every listening webhook once, in its own format, with a fresh share link', async () => {
  expect(hooks.standard.secret).toMatch(/^whsec_/);
  world.google.revoke(GMAIL);
  const brokeAt = Date.now();
  const res = await owner.post(`/api/accounts/${gmail.id}/check`);
  expect(((await res.json()) as AccountView).state).toBe('needs_reauth');

  await eventually(() => receivers.standard.received.length === 1, 5000);
  const delay = receivers.standard.received[0].at - brokeAt;
  expect(delay).toBeLessThan(5000);
  console.log(`webhook: first attempt ${delay} ms after the check that broke the mailbox`);
  const event = verified(receivers.standard, 0);
  expect(event.type).toBe('mailbox.needs_reauth');
  expect(event.data).toMatchObject({ accountId: gmail.id, email: GMAIL, provider: 'google', state: 'needs_reauth', pendingEmails: 0 });
  expect(event.data.reason.code).toBe('grant_revoked');
  expect(event.data.reason.message).toMatch(/revoked|expired/i);
  expect(event.data.shareUrl).toMatch(/^http:\/\/regrant\.test\/r\/r_[A-Za-z0-9_-]{43}$/);

  // A second check of the same incident tells nobody again.
  await owner.post(`/api/accounts/${gmail.id}/check`);

  // Slack: 503, 503, then 200; every attempt the same webhook-id and the same body.
  await eventually(() => receivers.slack.received.length === 3, 5000);
  const [a, b, c] = receivers.slack.received;
  expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
  expect(new Set([a, b, c].map((r) => r.headers['webhook-id'])).size).toBe(1);
  expect(b.body).toBe(a.body);
  expect(c.body).toBe(a.body);
  expect(b.at - a.at).toBeGreaterThanOrEqual(RETRY_MS - 50);
  const slack = JSON.parse(c.body) as SlackMessage;
  expect(slack.text).toContain(`${GMAIL} needs re-authentication`);
  expect(slack.text).toContain('Since ');
  expect(slack.text).toContain('0 emails waiting');
  const facts = slack.blocks.flatMap((blk) => blk.fields ?? []).map((f) => f.text).join('\n');
  expect(facts).toContain(event.data.reason.message);
  expect(facts).toMatch(/\*Emails waiting\*\n0/);
  const button = slack.blocks.find((blk) => blk.type === 'actions')!.elements![0];
  // The same incident link in every message about this incident.
  expect(button.url).toBe(event.data.shareUrl);
  expect(slack.text).toContain(`<${button.url}|Reconnect ${GMAIL}>`);

  const deliveries = (await (await owner.get(`/api/webhooks/${hooks.slack.id}/deliveries`)).json()) as WebhookDeliveries;
  expect(deliveries.deliveries).toEqual([expect.objectContaining({ id: a.headers['webhook-id'], event: 'mailbox.needs_reauth', attempt: 3, status: 'delivered', responseStatus: 200 })]);

  // Teams: an Adaptive Card naming the mailbox, the reason, since when, the emails waiting, and a button.
  await eventually(() => receivers.teams.received.length === 1, 5000);
  const teams = receivers.teams.json<{ type: string; attachments: Array<{ contentType: string; content: { type: string; version: string; body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>; actions: Array<{ type: string; url: string }> } }> }>()[0];
  expect(teams.type).toBe('message');
  expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = teams.attachments[0].content;
  expect(card.type).toBe('AdaptiveCard');
  expect(card.body[0].text).toBe(`${GMAIL} needs re-authentication`);
  const cardFacts = Object.fromEntries(card.body.find((x) => x.type === 'FactSet')!.facts!.map((f) => [f.title, f.value]));
  expect(cardFacts).toMatchObject({ Mailbox: `${GMAIL} (Gmail)`, 'What happened': event.data.reason.message, 'Emails waiting': '0' });
  expect(cardFacts.Since).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl', url: event.data.shareUrl })]);

  // One delivery per webhook for the incident, and nothing for another member's webhook.
  await new Promise((r) => setTimeout(r, 4 * RETRY_MS));
  expect(receivers.standard.received).toHaveLength(1);
  expect(receivers.teams.received).toHaveLength(1);
  expect(receivers.slack.received).toHaveLength(3);
  expect(receivers.stranger.received).toHaveLength(0);
  const strangers = (await (await stranger.get(`/api/webhooks/${hooks.stranger.id}/deliveries`)).json()) as WebhookDeliveries;
  expect(strangers.deliveries).toEqual([]);
});

it('the share link from the Slack message survives a preview bot and reconnects the mailbox; mailbox.reconnected follows', async () => {
  const slack = JSON.parse(receivers.slack.received[2].body) as SlackMessage;
  const url = slack.blocks.find((blk) => blk.type === 'actions')!.elements![0].url;
  const state = async () => ((await (await owner.get(`/api/accounts/${gmail.id}`)).json()) as AccountView).state;

  const bot = world.browser();
  for (let i = 0; i < 2; i++) {
    const page = await bot.open(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Continue with Google`);
  }
  expect(await state()).toBe('needs_reauth');

  const holder = world.browser();
  const done = await holder.submit(url);
  expect(done.html).toMatch(/Reconnected/);
  expect(await state()).toBe('connected');

  await eventually(() => receivers.standard.received.length === 2, 5000);
  const event = verified(receivers.standard, 1);
  expect(event.type).toBe('mailbox.reconnected');
  expect(event.data).toMatchObject({ accountId: gmail.id, email: GMAIL, state: 'connected' });
  expect(event.data.shareUrl).toBeUndefined();
  expect(receivers.standard.received[1].headers['webhook-id']).not.toBe(receivers.standard.received[0].headers['webhook-id']);
  await eventually(() => receivers.slack.received.length === 4, 5000);
  expect((JSON.parse(receivers.slack.received[3].body) as SlackMessage).text).toContain(`${GMAIL} is reconnected`);
  // The link is used up.
  expect((await bot.open(url)).html).not.toContain('Continue with Google');
  expect(receivers.stranger.received).toHaveLength(0);
});
