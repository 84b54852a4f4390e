/**
 * Delivery state lives in the database: a mailbox becomes unreachable, the receiver refuses
 * the first attempt, Regrant stops; the next Regrant on the same database sends the same
 * delivery (same webhook-id, same body) once its back-off ends, and it is delivered.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import type { AccountView, WebhookDeliveries, WebhookView } from '../../shared/api.ts';
import { databaseEnvOf } from '../support/database.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type TestRegrant } from '../support/regrant.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

let first: TestRegrant | undefined;
let second: TestRegrant | undefined;
let receiver: Receiver | undefined;
afterAll(async () => {
  await second?.destroy();
  await receiver?.close();
  // The first Regrant was closed, not destroyed: its data folder was the second's database.
  if (first) rmSync(first.dataDir, { recursive: true, force: true });
});

it('a delivery refused before a restart is sent again by the next Regrant, with the same id and body', async () => {
  receiver = await startReceiver([503]);
  // A re-try 1.5 s after the refusal: long enough for this Regrant to stop before it.
  first = await startRegrant({}, { webhookRetryMs: () => 1500, webhookPollMs: 100 });
  first.webhooks.start();
  const ann = await first.user('ann@acme.test', 'member');
  const hook = (await (await ann.post('/api/webhooks', { url: receiver.url, format: 'standard', events: ['mailbox.unreachable'] })).json()) as WebhookView;
  // Nothing listens on these ports: every check is a refused connection, transient trouble.
  const closed = { port: await freePort() };
  const account = (await (await ann.post('/api/accounts', customMailbox('ops@acme.test', closed, closed, 'pw'))).json()) as AccountView;
  let state = account.state;
  for (let i = 0; i < 3 && state !== 'unreachable'; i++) state = ((await (await ann.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state;
  expect(state).toBe('unreachable');

  await eventually(() => receiver!.received.length === 1, 5000);
  expect(receiver.received[0].status).toBe(503);
  const dataDir = first.dataDir;
  await first.close();
  const stoppedAt = Date.now();

  second = await startRegrant({ DATA_DIR: dataDir, ...databaseEnvOf(first) }, { webhookPollMs: 100 });
  second.webhooks.start();
  await eventually(() => receiver!.received.length === 2, 5000);
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
