/**
 * Slack and Teams messages are grouped like alert emails, standard webhooks are not (issue 23
 * point 6): five Gmail mailboxes lose their grant within the wait → a standard receiver gets
 * five signed events at once, Slack and Teams ONE message each after ALERT_GROUP_WAIT_SECONDS,
 * naming all five with each one's share link; a Microsoft mailbox lost and reconnected within
 * the wait is left out. One more loss is held ALERT_GROUP_INTERVAL_SECONDS from the last
 * message, then told in one more. Real Google/Microsoft stand-ins, real receivers, a clock
 * the test moves.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, WebhookDeliveries, WebhookView } from '../../shared/api.ts';
import { movableClock } from '../support/clock.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { eventually, type Client } from '../support/regrant.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const BURST = Array.from({ length: 5 }, (_, i) => `user${i + 1}@gmail.test`);
const LATE = 'late@gmail.test';
const FIXED = 'quick@contoso.test';
const clock = movableClock();
let world: OAuthWorld;
let admin: Client;
const accounts = new Map<string, AccountView>();
const receivers: Record<'standard' | 'slack' | 'teams', Receiver> = {} as never;
const hooks: Record<string, WebhookView> = {};

interface StandardEvent {
  type: string;
  data: { email: string; shareUrl?: string };
}
interface SlackMessage {
  text: string;
  blocks: Array<{ type: string; text?: { text: string } }>;
}
interface TeamsMessage {
  attachments: Array<{ content: { body: Array<{ text: string }>; actions: Array<{ url: string }> } }>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lose = async (email: string) => {
  world.google.revoke(email);
  expect(((await (await admin.post(`/api/accounts/${accounts.get(email)!.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
};
const standardEvents = () => receivers.standard.json<StandardEvent>();

beforeAll(async () => {
  world = await startOAuthWorld([...BURST, LATE, FIXED], { ALERT_GROUP_WAIT_SECONDS: '60', ALERT_GROUP_INTERVAL_SECONDS: '300', WORKSPACE_NAME: 'Acme' }, { clock: clock.now, webhookPollMs: 100 });
  world.rg.webhooks.start();
  admin = await world.rg.user('ann@acme.test', 'admin');
  for (const email of [...BURST, LATE]) accounts.set(email, await world.connect(admin, 'google', email));
  accounts.set(FIXED, await world.connect(admin, 'microsoft', FIXED));
  for (const format of ['standard', 'slack', 'teams'] as const) {
    receivers[format] = await startReceiver();
    const res = await admin.post('/api/webhooks', { url: receivers[format].url, format });
    expect(res.status).toBe(201);
    hooks[format] = (await res.json()) as WebhookView;
  }
}, 120_000);
afterAll(async () => {
  await world?.stop();
  await Promise.all(Object.values(receivers).map((r) => r?.close()));
});

it('five losses within the wait: five standard events at once, one Slack and one Teams message naming all five with their share links', async () => {
  for (const email of BURST) await lose(email);
  // Lost and reconnected before the group's message goes out: left out of it.
  const fixed = accounts.get(FIXED)!;
  world.microsoft.fail(FIXED, 'revoked');
  expect(((await (await admin.post(`/api/accounts/${fixed.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
  world.microsoft.fail(FIXED, null);
  expect(((await (await admin.post(`/api/accounts/${fixed.id}/check`)).json()) as AccountView).state).toBe('connected');

  // Machines want events: one per mailbox, at once.
  await eventually(() => standardEvents().filter((e) => e.type === 'mailbox.needs_reauth').length === 6, 5000);
  const links = new Map(standardEvents().filter((e) => e.type === 'mailbox.needs_reauth').map((e) => [e.data.email, e.data.shareUrl!]));
  expect([...links.keys()].sort()).toEqual([...BURST, FIXED].sort());
  // People read messages: no loss yet, the group waits; the reconnection is an event of its own, at once.
  await eventually(() => receivers.slack.received.length === 1 && receivers.teams.received.length === 1, 5000);
  await pause(500);
  expect(receivers.slack.json<SlackMessage>().map((m) => m.text)).toEqual([expect.stringContaining(`${FIXED} is reconnected`)]);
  expect(receivers.teams.received).toHaveLength(1);
  expect(standardEvents().filter((e) => e.type === 'mailbox.reconnected').map((e) => e.data.email)).toEqual([FIXED]);

  clock.advance(61_000);
  await eventually(() => receivers.slack.received.length === 2 && receivers.teams.received.length === 2, 5000);
  const slack = receivers.slack.json<SlackMessage>()[1];
  const teams = receivers.teams.json<TeamsMessage>()[1];
  const cardText = teams.attachments[0].content.body.map((b) => b.text).join('\n');
  const slackBlocks = slack.blocks.map((b) => b.text?.text ?? '').join('\n');
  for (const email of BURST) {
    expect(slack.text).toContain(email);
    expect(slack.text).toContain(`<${links.get(email)}|Reconnect ${email}>`);
    expect(slackBlocks).toContain(`<${links.get(email)}|Reconnect ${email}>`);
    expect(cardText).toContain(email.replace(/([_*[\]()])/g, '\\$1'));
    expect(cardText).toContain(`(${links.get(email)})`);
  }
  expect(slack.text).toContain('Acme lost access to 5 mailboxes');
  expect(slack.text).not.toContain(FIXED);
  expect(cardText).not.toContain(FIXED);
  // No "Open Regrant" to a root page that fixes nothing: each mailbox's own link is the way.
  expect(teams.attachments[0].content.actions).toBeUndefined();
  expect(slack.text).not.toContain('Open Regrant');
  await pause(500);
  expect(receivers.slack.received).toHaveLength(2);

  const deliveries = ((await (await admin.get(`/api/webhooks/${hooks.slack.id}/deliveries`)).json()) as WebhookDeliveries).deliveries;
  expect(deliveries.map((d) => [d.event, d.status]).sort()).toEqual([['mailbox.reconnected', 'delivered'], ['mailboxes.lost', 'delivered']]);
});

it('one more loss waits for the interval from the last grouped message, then goes as one more message', async () => {
  const slackBefore = receivers.slack.received.length;
  await lose(LATE);
  await eventually(() => standardEvents().some((e) => e.data.email === LATE), 5000);
  // The wait has passed but not the interval since the last grouped message (5 minutes).
  clock.advance(61_000);
  await pause(500);
  expect(receivers.slack.received).toHaveLength(slackBefore);

  clock.advance(240_000);
  await eventually(() => receivers.slack.received.length === slackBefore + 1 && receivers.teams.received.length === 3, 5000);
  const slack = receivers.slack.json<SlackMessage>().at(-1)!;
  expect(slack.text).toContain(`${LATE} needs re-authentication`);
  const link = standardEvents().find((e) => e.data.email === LATE)!.data.shareUrl!;
  expect(slack.text).toContain(`<${link}|Reconnect ${LATE}>`);
  await pause(500);
  expect(receivers.slack.received).toHaveLength(slackBefore + 1);
});
