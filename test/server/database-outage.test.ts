/**
 * PostgreSQL goes away and comes back (a restart, an outage) under a running Regrant: while it
 * is away, API requests answer 503 with a plain message, /readyz says the database is
 * unreachable and /healthz that the process lives; no mailbox is judged broken for it; once
 * it is back the pool reconnects and an email queued before the outage goes out, once.
 * PostgreSQL only: it runs on a cluster of its own, so the rest of the run is not disturbed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, MessageView } from '../../shared/api.ts';
import { onTestPostgres, TEST_SECRET_KEY } from '../support/database.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../support/postgres.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'sales@acme.test';
let cluster: PostgresCluster;
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let owner: Client;
let account: AccountView;

beforeAll(async () => {
  if (!onTestPostgres()) return;
  cluster = await startPostgresCluster();
  imap = await startDovecot({ [MAILBOX]: 'pw' });
  smtp = await startSmtp({ [MAILBOX]: 'pw' });
  rg = await startRegrant({ DATABASE_URL: await createDatabase(cluster.url), SECRET_KEY: TEST_SECRET_KEY, CHECK_INTERVAL_SECONDS: '5' });
  owner = await rg.user('owner@acme.test', 'member');
  account = (await (await owner.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'pw'))).json()) as AccountView;
  expect(((await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
  rg.start();
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop(), cluster?.stop()]);
});

it.runIf(onTestPostgres())('a PostgreSQL restart is a 503 while it lasts, then everything resumes and nothing is lost or judged broken', async () => {
  const eventsBefore = ((await (await owner.get(`/api/accounts/${account.id}/events`)).json()) as { events: unknown[] }).events.length;
  expect((await rg.app.request('/readyz')).status).toBe(200);

  cluster.down();
  const refused = await owner.get('/api/status');
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('10');
  expect(await refused.json()).toEqual({ error: { code: 'database_unavailable', message: 'Regrant cannot reach its database right now; try again in a minute.' } });
  expect((await owner.post('/api/messages', { accountId: account.id, to: 'bob@example.test', subject: 'During', text: 'x' })).status).toBe(503);
  const ready = await rg.app.request('/readyz');
  expect([ready.status, await ready.json()]).toEqual([503, { ok: false, database: 'unreachable' }]);
  expect((await rg.app.request('/healthz')).status).toBe(200);
  // The scheduler, the outbox and the alert queue meet the outage for several ticks.
  await new Promise((r) => setTimeout(r, 6000));

  cluster.up();
  let last = '';
  const back = await eventually(async () => {
    const res = await owner.get(`/api/accounts/${account.id}`);
    last = `${res.status} ${await res.clone().text()}`;
    return res.status === 200 && ((await res.json()) as AccountView);
  }, 40_000).catch((error: Error) => {
    throw new Error(`${error.message}; the last answer: ${last}`);
  });
  expect(back.state).toBe('connected');
  const queued = await owner.post('/api/messages', { accountId: account.id, to: 'bob@example.test', subject: 'After', text: 'x' });
  expect(queued.status).toBe(202);
  const { id } = (await queued.json()) as { id: string };
  await eventually(async () => ((await (await owner.get(`/api/messages/${id}`)).json()) as MessageView).state === 'sent', 20_000);
  expect(smtp.received.filter((m) => m.subject === 'After')).toHaveLength(1);
  // Checks went on after the outage, and none of them recorded a failure because of it.
  const events = ((await (await owner.get(`/api/accounts/${account.id}/events`)).json()) as { events: { to: string }[] }).events;
  expect(events.length).toBe(eventsBefore);
  expect((await rg.app.request('/readyz')).status).toBe(200);
}, 90_000);
