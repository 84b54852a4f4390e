/**
 * A server killed (SIGKILL) in the middle of an import resumes it after a restart: every row
 * ends once, and the rows finished before the kill are neither tested nor written again.
 * While it runs, its progress is visible. Without NOTIFY_SMTP_URL the report is logged.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabaseEnv } from '../support/database.ts';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { loadConfig } from '../../server/config/index.ts';
import { silentLogger } from '../../server/log/index.ts';
import { createRegrant } from '../../server/regrant.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { eventually } from '../support/regrant.ts';
import { killServer, spawnServer } from '../support/server-process.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../support/hosts.ts';

const ROWS = 40;
const KILL_AFTER = 12;
const EMAILS = Array.from({ length: ROWS }, (_, i) => `seat${String(i).padStart(2, '0')}@acme.test`);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-import-crash-'));
let imap: Dovecot;
let smtp: TestSmtp;
let server: ChildProcess | null = null;
/** The run's database: SQLite in DATA_DIR, or one PostgreSQL database every process of the test shares. */
let dbEnv: Record<string, string> = {};
const logins: { user: string; at: number }[] = [];

const startServer = (port: number) => spawnServer({ ...dbEnv, DATA_DIR: dataDir, PORT: String(port), CHECK_CONCURRENCY: '2', CHECK_TIMEOUT_SECONDS: '5', NOTIFY_SMTP_URL: '' });

beforeAll(async () => {
  dbEnv = await testDatabaseEnv();
  const users = Object.fromEntries(EMAILS.map((e) => [e, `pw-${e}`]));
  imap = await startDovecot(users);
  // Each SMTP sign-in takes a while, so that the kill lands in the middle of the run.
  smtp = await startSmtp(users, {
    beforeAuth: async (user) => {
      logins.push({ user, at: Date.now() });
      await new Promise((r) => setTimeout(r, 120));
    },
  });
});
afterAll(async () => {
  killServer(server, 'SIGKILL');
  await Promise.all([imap?.stop(), smtp?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

it('a server killed during an import resumes it after a restart without redoing finished rows', async () => {
  const setup = await createRegrant(loadConfig({ DATA_DIR: dataDir, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...dbEnv }), { logger: silentLogger });
  const { token } = await setup.users.add({ email: 'ann@acme.test', role: 'admin' });
  await setup.close();
  const port = await freePort();
  const api = (p: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  server = startServer(port);
  await waitForPort(port, 20_000);
  const file = ['email,smtp_host,smtp_port,smtp_security,password,imap_host,imap_port,imap_security', ...EMAILS.map((e) => `${e},127.0.0.1,${smtp.port},none,pw-${e},127.0.0.1,${imap.port},none`)].join('\n');
  const up = (await (await api('/api/imports', { method: 'POST', body: file, headers: { 'content-type': 'text/csv' } })).json()) as ImportUpload;
  expect(up.suggestedMapping).toMatchObject({ smtp_password: 'password', imap_password: 'password', smtp_username: 'email', imap_username: 'email' });
  const run = await api(`/api/imports/${up.id}/run`, { method: 'POST', body: JSON.stringify({ mapping: up.suggestedMapping, updateExisting: false }), headers: { 'content-type': 'application/json' } });
  expect(run.status).toBe(202);

  // Progress shows while it runs; the kill comes once a dozen rows are done.
  const progress = await eventually(async () => {
    const view = (await (await api(`/api/imports/${up.id}?rows=0`)).json()) as ImportView;
    return view.done >= KILL_AFTER && view;
  }, 30_000);
  killServer(server, 'SIGKILL');
  const killedAt = Date.now();
  expect(progress).toMatchObject({ state: 'running', total: ROWS, rows: [] });
  expect(progress.done).toBeLessThan(ROWS);
  const first = server;
  await eventually(() => first.signalCode !== null, 10_000);

  const peek = await createRegrant(loadConfig({ DATA_DIR: dataDir, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...dbEnv }), { logger: silentLogger });
  const before = await peek.db.selectFrom('import_rows').select(['line', 'email', 'status', 'at']).where('import_id', '=', up.id).orderBy('line').execute();
  await peek.close();
  expect(before.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(before.length).toBeLessThan(ROWS);

  server = startServer(port);
  await waitForPort(port, 20_000);
  const done = await eventually(async () => {
    // The first request may meet a kept-alive connection to the killed server: ask again.
    const view = (await api(`/api/imports/${up.id}`)
      .then((r) => r.json())
      .catch(() => null)) as ImportView | null;
    return view?.state === 'finished' && view.report?.state === 'logged' && view;
  }, 60_000);

  expect(done.rows.map((r) => r.line)).toEqual(EMAILS.map((_, i) => i + 2));
  expect(done.rows.every((r) => r.status === 'created' && r.state === 'connected')).toBe(true);
  expect(done.counts).toEqual({ created: ROWS, updated: 0, skipped: 0, failed: 0 });
  // Finished rows kept their result, and their mailboxes were not signed in to again.
  const after = new Map(done.rows.map((r) => [r.line, r]));
  const peekAgain = await createRegrant(loadConfig({ DATA_DIR: dataDir, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...dbEnv }), { logger: silentLogger });
  const rowsAfter = new Map((await peekAgain.db.selectFrom('import_rows').select(['line', 'at']).where('import_id', '=', up.id).execute()).map((r) => [r.line, r.at]));
  const accounts = await peekAgain.db.selectFrom('accounts').select('email').execute();
  await peekAgain.close();
  for (const r of before) {
    expect(after.get(r.line)?.status).toBe(r.status);
    expect(rowsAfter.get(r.line)).toBe(r.at);
    expect(logins.filter((l) => l.user === r.email && l.at > killedAt)).toEqual([]);
  }
  expect(accounts.map((a) => a.email).sort()).toEqual(EMAILS);
  killServer(server, 'SIGTERM');
}, 120_000);
