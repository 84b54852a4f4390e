/**
 * Three Regrant instances, real server processes, on one PostgreSQL database: they share
 * users, mailboxes and status; each mailbox is checked once per interval by the fleet (each
 * instance doing a share, none doubling another's); and when two of the three are killed
 * (SIGKILL) one after the other in the middle of a 200-email flush, the last one sends every
 * email within 30 s, at most one twice per crash; a PostgreSQL restart under load is survived
 * by all of them. PostgreSQL only, on a cluster of its own (the restart disturbs no other test).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, StatusResponse } from '../../shared/api.ts';
import { loadConfig } from '../../server/config/index.ts';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { silentLogger } from '../../server/log/index.ts';
import { createRegrant } from '../../server/regrant.ts';
import { onTestPostgres, TEST_SECRET_KEY } from '../support/database.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../support/postgres.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../support/hosts.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { customMailbox, eventually } from '../support/regrant.ts';
import { killServer, spawnServer } from '../support/server-process.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const INSTANCES = 3;
const MAILBOXES = 12;
const INTERVAL_SECONDS = 5;
const BULK = 'bulk@acme.test';
const EMAILS = 200;
const METRICS_TOKEN = 'fleet-metrics-token-0123456789';
const users = Object.fromEntries([BULK, ...Array.from({ length: MAILBOXES }, (_, i) => `box${i}@acme.test`)].map((e) => [e, 'pw']));

let cluster: PostgresCluster;
let env: Record<string, string>;
let imap: Dovecot;
let smtp: TestSmtp;
let db: Db;
let token: string;
const dirs: string[] = [];
const servers: { child: ChildProcess; port: number }[] = [];
let onEmail: (count: number) => void = () => {};

beforeAll(async () => {
  if (!onTestPostgres()) return;
  cluster = await startPostgresCluster();
  env = { DATABASE_URL: await createDatabase(cluster.url), SECRET_KEY: TEST_SECRET_KEY };
  imap = await startDovecot(users);
  smtp = await startSmtp(users, { onMessage: () => onEmail(smtp.received.length) });
  // The shared data, written once by Regrant's own code: an admin and the mailboxes.
  const setup = await createRegrant(loadConfig({ DATA_DIR: tempDir(), ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...env }), { logger: silentLogger });
  ({ token } = await setup.users.add({ email: 'ann@acme.test', role: 'admin' }));
  await setup.close();
  db = await openDatabase(env.DATABASE_URL);
  for (let i = 0; i < INSTANCES; i++) {
    const port = await freePort();
    const child = spawnServer({ ...env, DATA_DIR: tempDir(), PORT: String(port), CHECK_INTERVAL_SECONDS: String(INTERVAL_SECONDS), CHECK_TIMEOUT_SECONDS: '5', METRICS_TOKEN, NOTIFY_SMTP_URL: '' });
    servers.push({ child, port });
  }
  await Promise.all(servers.map((s) => waitForPort(s.port, 30_000)));
}, 90_000);
afterAll(async () => {
  for (const s of servers) killServer(s.child, 'SIGKILL');
  await db?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-fleet-'));
  dirs.push(dir);
  return dir;
}

const api = (i: number, route: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${servers[i].port}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

/** Checks instance `i` has run since it started, from its own /metrics. */
async function checksBy(i: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${servers[i].port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return [...text.matchAll(/^regrant_checks_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

it.runIf(onTestPostgres())('three instances share users, mailboxes and status, and check each mailbox once per interval between them', async () => {
  // A mailbox added through one instance is seen through every other, with the same status.
  for (let i = 0; i < MAILBOXES; i++) {
    const res = await api(i % INSTANCES, '/api/accounts', { method: 'POST', body: JSON.stringify(customMailbox(`box${i}@acme.test`, smtp, imap, 'pw')) });
    expect(res.status).toBe(201);
  }
  const statuses = await Promise.all(servers.map(async (_, i) => (await (await api(i, '/api/status')).json()) as StatusResponse));
  for (const s of statuses) expect(s.counts.total).toBe(MAILBOXES);
  await eventually(async () => ((await (await api(0, '/api/status')).json()) as StatusResponse).counts.connected === MAILBOXES, 30_000);

  const before = await Promise.all(servers.map((_, i) => checksBy(i)));
  const windowMs = 4 * INTERVAL_SECONDS * 1000;
  await new Promise((r) => setTimeout(r, windowMs));
  const after = await Promise.all(servers.map((_, i) => checksBy(i)));
  const done = after.map((n, i) => n - before[i]);
  const total = done.reduce((a, b) => a + b, 0);
  console.log(`fleet: ${total} checks of ${MAILBOXES} mailboxes in ${windowMs / 1000} s by instance: ${done.join(', ')}`);
  // Four intervals: three to four checks a mailbox (a check is due an interval after the last
  // one ended, plus the scheduler's tick), five at the window's edges; one per instance would be 12.
  expect(total).toBeGreaterThanOrEqual(MAILBOXES * 2);
  expect(total).toBeLessThanOrEqual(MAILBOXES * 5);
  expect(done.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
}, 120_000);

it.runIf(onTestPostgres())('a PostgreSQL restart under load: every instance answers 503 while it lasts, then goes on, and no mailbox is judged broken', async () => {
  const load = setInterval(() => {
    for (let i = 0; i < INSTANCES; i++) void api(i, '/api/status').catch(() => {});
  }, 50);
  try {
    const eventsBefore = await db.selectFrom('account_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await db.destroy();
    cluster.down();
    const during = await Promise.all(servers.map((_, i) => api(i, '/api/status')));
    expect(during.map((r) => r.status)).toEqual([503, 503, 503]);
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_SECONDS * 1000));
    cluster.up();
    db = await openDatabase(env.DATABASE_URL);
    await eventually(async () => (await Promise.all(servers.map((_, i) => api(i, '/api/status')))).every((r) => r.status === 200), 30_000);
    // Checks resume on the fleet: every mailbox is checked again after the restart.
    const back = new Date().toISOString();
    await eventually(async () => (await db.selectFrom('accounts').select('last_checked_at').execute()).every((a) => a.last_checked_at && a.last_checked_at > back), 30_000);
    const status = (await (await api(2, '/api/status')).json()) as StatusResponse;
    expect(status.counts).toMatchObject({ total: MAILBOXES, connected: MAILBOXES, needsReauth: 0, unreachable: 0 });
    const eventsAfter = await db.selectFrom('account_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(eventsAfter.n).toBe(eventsBefore.n);
  } finally {
    clearInterval(load);
  }
}, 120_000);

it.runIf(onTestPostgres())('two of three instances killed in the middle of a 200-email flush: the third sends every email within 30 s, at most one twice per crash', async () => {
  const created = await api(0, '/api/accounts', { method: 'POST', body: JSON.stringify(customMailbox(BULK, smtp, imap, 'wrong')) });
  const account = (await created.json()) as AccountView;
  const queued: string[] = [];
  for (let i = 0; i < EMAILS; i++) {
    const res = await api(i % INSTANCES, '/api/messages', { method: 'POST', body: JSON.stringify({ accountId: account.id, to: `lead${i}@example.test`, subject: `Offer ${i}`, text: 'Hello' }) });
    expect(res.status).toBe(202);
    queued.push(((await res.json()) as { id: string }).id);
  }
  const messageIds = (await db.selectFrom('outbox_messages').select('message_id').where('account_id', '=', account.id).orderBy('id').execute()).map((r) => r.message_id);
  const sentBefore = smtp.received.length;

  // Kill whichever instance holds the flush, at the 50th and at the 120th email.
  const killed: number[] = [];
  const killSender = async () => {
    // Between two emails no row is `sending` for a moment: look again until the next one is.
    // The email an instance was killed sending stays `sending` under its lease until that runs
    // out: the holder sought is a live one.
    const holder = () =>
      db
        .selectFrom('outbox_messages')
        .innerJoin('instances', 'instances.id', 'outbox_messages.lease_owner')
        .select('instances.pid')
        .where('outbox_messages.account_id', '=', account.id)
        .where('outbox_messages.state', '=', 'sending')
        .$if(killed.length > 0, (q) => q.where('instances.pid', 'not in', killed))
        .executeTakeFirst();
    const sending = await eventually(async () => (await holder())?.pid, 5000).then((pid) => ({ pid }), () => null);
    if (!sending?.pid) throw new Error('no instance holds the flush');
    process.kill(sending.pid, 'SIGKILL');
    killed.push(sending.pid);
  };
  let secondKillAt = 0;
  const kills: Promise<void>[] = [];
  onEmail = (count) => {
    const n = count - sentBefore;
    if (n === 50 || n === 120) {
      kills.push(killSender());
      if (n === 120) secondKillAt = Date.now();
    }
  };
  // The right password, saved through one instance: the mailbox connects and its emails go.
  const fixed = await api(1, `/api/accounts/${account.id}`, { method: 'PATCH', body: JSON.stringify({ smtp: { password: 'pw' }, imap: { password: 'pw' } }) });
  expect(fixed.status).toBe(200);
  await api(1, `/api/accounts/${account.id}/check`, { method: 'POST' });

  const distinct = () => new Set(smtp.received.slice(sentBefore).map((m) => m.messageId)).size;
  await eventually(() => distinct() === EMAILS, 90_000);
  await Promise.all(kills);
  expect(new Set(killed).size).toBe(2);
  const tookMs = Date.now() - secondKillAt;
  console.log(`fleet: after the second kill the last instance finished the flush in ${tookMs} ms`);
  expect(tookMs).toBeLessThan(30_000);

  const counts = new Map<string, number>();
  for (const m of smtp.received.slice(sentBefore)) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([...messageIds].sort());
  expect([...counts.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(2);
  expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  // The one instance left still answers, and says all 200 were sent.
  const answering = await Promise.all(servers.map((s) => fetch(`http://127.0.0.1:${s.port}/healthz`).then((r) => r.ok, () => false)));
  expect(answering.filter(Boolean)).toHaveLength(1);
  const alive = answering.indexOf(true);
  const view = (await (await api(alive, `/api/accounts/${account.id}`)).json()) as AccountView;
  expect(view.state).toBe('connected');
}, 180_000);
