/**
 * Crash safety: the server is killed (SIGKILL) in the middle of sending 500 held emails and
 * started again on the same data. Every email arrives, in the order queued, and at most the
 * one that was in flight at the kill arrives twice; and sending resumes within seconds of the
 * restart, not when the dead server's lease (over a minute at the default 30 s
 * CHECK_TIMEOUT_SECONDS) runs out: the new instance sees its predecessor is gone.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabaseEnv } from '../support/database.ts';
import type { AccountView } from '../../shared/api.ts';
import { loadConfig } from '../../server/config/index.ts';
import { silentLogger } from '../../server/log/index.ts';
import { createRegrant } from '../../server/regrant.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { customMailbox, eventually } from '../support/regrant.ts';
import { killServer, spawnServer } from '../support/server-process.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../support/hosts.ts';

const MAILBOX = 'bulk@acme.test';
const EMAILS = 500;
const KILL_AT = 150;
/** From starting the new process (tsx compiling included) to the first email it sends. */
const RESUME_WITHIN_MS = 15_000;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-crash-'));
let imap: Dovecot;
let smtp: TestSmtp;
let server: ChildProcess | null = null;
/** The run's database: SQLite in DATA_DIR, or one PostgreSQL database every process of the test shares. */
let dbEnv: Record<string, string> = {};
let killedAt = -1;

// The default timeout: the email in flight at the kill is leased for 2 × 30 s and more.
const startServer = (port: number) => spawnServer({ ...dbEnv, DATA_DIR: dataDir, PORT: String(port), CHECK_TIMEOUT_SECONDS: '30' });

beforeAll(async () => {
  dbEnv = await testDatabaseEnv();
  imap = await startDovecot({ [MAILBOX]: 'pw' });
  smtp = await startSmtp(
    { [MAILBOX]: 'pw' },
    {
      onMessage() {
        // Accepted by the server, not yet acknowledged to the sender: the worst moment.
        if (smtp.received.length === KILL_AT && killedAt < 0) {
          killedAt = KILL_AT;
          killServer(server, 'SIGKILL');
        }
      },
    },
  );
});
afterAll(async () => {
  killServer(server, 'SIGKILL');
  await Promise.all([imap?.stop(), smtp?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

it('a server killed while flushing 500 emails sends every one after a restart, at most one twice', async () => {
  // 500 emails queued for a mailbox that is not connected yet, written by the server's own code.
  const setup = await createRegrant(loadConfig({ DATA_DIR: dataDir, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...dbEnv }), { logger: silentLogger });
  const { token } = await setup.users.add({ email: 'ann@acme.test', role: 'admin' });
  const actor = (await setup.users.byToken(token))!;
  const account = await setup.accounts.create(actor, customMailbox(MAILBOX, smtp, imap, 'pw') as Parameters<typeof setup.accounts.create>[1]);
  const queued: string[] = [];
  for (let i = 0; i < EMAILS; i++) queued.push((await setup.outbox.enqueue(actor, { accountId: account.id, to: `lead${i}@example.test`, subject: `Offer ${i}`, text: 'Hello' })).id);
  const rows = await setup.db.selectFrom('outbox_messages').select(['id', 'message_id']).orderBy('id').execute();
  expect(rows.map((r) => r.id)).toEqual(queued);
  const messageIds = rows.map((r) => r.message_id);
  await setup.close();

  const port = await freePort();
  server = startServer(port);
  await waitForPort(port, 20_000);
  const checked = await fetch(`http://127.0.0.1:${port}/api/accounts/${account.id}/check`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(((await checked.json()) as AccountView).state).toBe('connected');
  const first = server;
  await eventually(() => first.exitCode !== null || first.signalCode !== null, 30_000);
  expect(first.signalCode).toBe('SIGKILL');
  expect(killedAt).toBe(KILL_AT);
  expect(smtp.received.length).toBeLessThan(EMAILS);

  const restartedAt = Date.now();
  server = startServer(port);
  await waitForPort(port, 20_000);
  const resumed = await eventually(() => smtp.received.find((m) => m.at > restartedAt), RESUME_WITHIN_MS + 5000);
  const resumedMs = resumed.at - restartedAt;
  console.log(`outbox-crash: sending resumed ${resumedMs} ms after the restart`);
  expect(resumedMs).toBeLessThan(RESUME_WITHIN_MS);
  await eventually(() => new Set(smtp.received.map((m) => m.messageId)).size === EMAILS, 40_000);

  const counts = new Map<string, number>();
  for (const m of smtp.received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([...messageIds].sort());
  const twice = [...counts.values()].filter((n) => n > 1);
  expect(twice.length).toBeLessThanOrEqual(1);
  expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  // In the order queued (the one sent twice counts where it first arrived).
  expect([...counts.keys()]).toEqual(messageIds);
  killServer(server, 'SIGTERM');
}, 90_000);
