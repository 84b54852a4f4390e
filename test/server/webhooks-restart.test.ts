/**
 * Delivery state lives in the database: a mailbox becomes unreachable, the receiver refuses
 * the first attempt, Regrant stops; the next Regrant on the same database sends the same
 * delivery (same webhook-id, same body) once its back-off ends, and it is delivered. A Slack
 * group waiting when Regrant stops is posted by the next Regrant, once, naming every mailbox.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import type { AccountView, WebhookDeliveries, WebhookView } from '../../shared/api.ts';
import { databaseEnvOf } from '../support/database.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

/** Closed Regrants (a data folder the next one opened), running ones and receivers, for the end. */
const stopped: TestRegrant[] = [];
const running: TestRegrant[] = [];
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all([...running.map((r) => r.destroy()), ...receivers.map((r) => r.close())]);
  for (const r of stopped) rmSync(r.dataDir, { recursive: true, force: true });
});

/** Stops `first` and starts the next Regrant on its database, polling webhooks every 100 ms. */
async function restart(first: TestRegrant, env: Record<string, string> = {}): Promise<TestRegrant> {
  const dataDir = first.dataDir;
  await first.close();
  running.splice(running.indexOf(first), 1);
  stopped.push(first);
  const second = await startRegrant({ DATA_DIR: dataDir, ...databaseEnvOf(first), ...env }, { webhookPollMs: 100 });
  running.push(second);
  second.webhooks.start();
  return second;
}

/** A custom mailbox whose servers refuse every connection, checked until it is unreachable. */
async function unreachableMailbox(client: Client, email: string): Promise<void> {
  // Nothing listens on these ports: every check is a refused connection, transient trouble.
  const nowhere = { port: await freePort() };
  const account = (await (await client.post('/api/accounts', customMailbox(email, nowhere, nowhere, 'pw'))).json()) as AccountView;
  let state = account.state;
  for (let i = 0; i < 3 && state !== 'unreachable'; i++) state = ((await (await client.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state;
  expect(state).toBe('unreachable');
}

it('a delivery refused before a restart is sent again by the next Regrant, with the same id and body', async () => {
  const receiver = await startReceiver([503]);
  receivers.push(receiver);
  // A re-try 1.5 s after the refusal: long enough for this Regrant to stop before it.
  const first = await startRegrant({}, { webhookRetryMs: () => 1500, webhookPollMs: 100 });
  running.push(first);
  first.webhooks.start();
  const ann = await first.user('ann@acme.test', 'member');
  const hook = (await (await ann.post('/api/webhooks', { url: receiver.url, format: 'standard', events: ['mailbox.unreachable'] })).json()) as WebhookView;
  await unreachableMailbox(ann, 'ops@acme.test');

  await eventually(() => receiver.received.length === 1, 5000);
  expect(receiver.received[0].status).toBe(503);
  const stoppedAt = Date.now();
  const second = await restart(first);
  await eventually(() => receiver.received.length === 2, 5000);
  // Not before the back-off the first Regrant wrote.
  expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(1400);
  expect(receiver.received[1].at).toBeGreaterThan(stoppedAt);
  expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
  expect(receiver.received[1].body).toBe(receiver.received[0].body);
  expect(JSON.parse(receiver.received[1].body)).toMatchObject({ type: 'mailbox.unreachable', data: { email: 'ops@acme.test', state: 'unreachable', pendingEmails: 0 } });

  const again = second.client(ann.token);
  const { deliveries } = (await (await again.get(`/api/webhooks/${hook.id}/deliveries`)).json()) as WebhookDeliveries;
  expect(deliveries).toEqual([expect.objectContaining({ event: 'mailbox.unreachable', attempt: 2, status: 'delivered', responseStatus: 200 })]);
  await new Promise((r) => setTimeout(r, 300));
  expect(receiver.received).toHaveLength(2);
});

it('a Slack group waiting when Regrant stops is posted by the next Regrant on the same database, once, naming every mailbox', async () => {
  const wait = { ALERT_GROUP_WAIT_SECONDS: '6', ALERT_GROUP_INTERVAL_SECONDS: '300', WORKSPACE_NAME: 'Acme' };
  const receiver = await startReceiver();
  receivers.push(receiver);
  const first = await startRegrant(wait, { webhookPollMs: 100 });
  running.push(first);
  first.webhooks.start();
  const ann = await first.user('ann@acme.test', 'admin');
  const hook = (await (await ann.post('/api/webhooks', { url: receiver.url, format: 'slack', events: ['mailbox.unreachable'] })).json()) as WebhookView;
  const startedAt = Date.now();
  for (const email of ['ops@acme.test', 'sales@acme.test']) await unreachableMailbox(ann, email);
  const second = await restart(first, wait);
  // The wait was not over when the first Regrant stopped: it sent nothing.
  expect(Date.now() - startedAt).toBeLessThan(6000);
  expect(receiver.received).toHaveLength(0);

  await eventually(() => receiver.received.length === 1, 10_000);
  expect(receiver.received[0].at - startedAt).toBeGreaterThanOrEqual(6000);
  const text = receiver.json<{ text: string }>()[0].text;
  expect(text).toContain('Acme: 2 mailboxes need attention');
  expect(text).toMatch(/• ops@acme\.test: .+ · Since /);
  expect(text).toMatch(/• sales@acme\.test: .+ · Since /);
  // The receiver has answered; the delivery is marked delivered right after.
  const deliveriesNow = async () => ((await (await second.client(ann.token).get(`/api/webhooks/${hook.id}/deliveries`)).json()) as WebhookDeliveries).deliveries;
  await eventually(async () => (await deliveriesNow())[0]?.status === 'delivered', 10_000);
  expect(await deliveriesNow()).toEqual([expect.objectContaining({ event: 'mailboxes.lost', status: 'delivered' })]);
  await new Promise((r) => setTimeout(r, 500));
  expect(receiver.received).toHaveLength(1);
});
