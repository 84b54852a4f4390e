/**
 * What the cycle and memory benchmarks share: N custom mailboxes on a local smtp-server and
 * Dovecot (high-performance mode, a passwd-file of N users), a SQLite database seeded with
 * them as the server stores them (passwords sealed with the server's key), and Regrant as
 * `npm start` runs it: the compiled `dist/server/main.js` under plain node, in its own process.
 *
 * @example
 *   const mail = await startMailServers(10_000);
 *   const data = await seedDatabase(mail);
 *   const server = await spawnRegrant(data);
 *   const start = await data.makeDue();
 *   const { lastCheckedMs, connected } = await data.cycleDone(start);
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { sql } from 'kysely';
import { createUsers } from '../../server/auth/index.ts';
import { newAccountRow } from '../../server/accounts/new-row.ts';
import { createSealer } from '../../server/crypto/index.ts';
import { openDatabase, type Db } from '../../server/db/index.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../../test/support/hosts.ts';
import { newId } from '../../server/db/ids.ts';
import type { NewAccountRow } from '../../server/db/schema.ts';
import { startDovecot, type Dovecot } from '../../test/support/dovecot.ts';
import { freePort } from '../../test/support/ports.ts';
import { startSmtp, type TestSmtp } from '../../test/support/smtp.ts';

export interface Mailbox {
  email: string;
  password: string;
}

export interface MailServers {
  mailboxes: Mailbox[];
  smtp: TestSmtp;
  imap: Dovecot;
  stop(): Promise<void>;
}

export async function startMailServers(count: number): Promise<MailServers> {
  const mailboxes = Array.from({ length: count }, (_, i) => ({ email: `seat${i}@cycle.test`, password: `pw-${i}` }));
  const users = Object.fromEntries(mailboxes.map((m) => [m.email, m.password]));
  const imap = await startDovecot(users);
  const smtp = await startSmtp(users);
  return { mailboxes, smtp, imap, stop: async () => void (await Promise.all([imap.stop(), smtp.stop()])) };
}

/** The settings of one mailbox on the local servers, as a check uses them. */
export function settingsOf(mail: MailServers, m: Mailbox) {
  const common = { host: '127.0.0.1', security: 'none' as const, username: m.email, password: m.password };
  return { smtp: { ...common, port: mail.smtp.port }, imap: { ...common, port: mail.imap.port } };
}

export interface SeededData {
  dataDir: string;
  /** The database the server is to open: SQLite in dataDir, or the PostgreSQL one seeded. */
  databaseEnv: Record<string, string>;
  secretKey: string;
  db: Db;
  count: number;
  /** Makes every mailbox due now: answers the moment (ms since the epoch) it did. */
  makeDue(): Promise<number>;
  /**
   * Waits until every mailbox was checked after `startMs`; answers when the last check was
   * judged (ms since the epoch, from `last_checked_at`) and how many are connected.
   */
  cycleDone(startMs: number, timeoutMs?: number): Promise<{ lastCheckedMs: number; connected: number }>;
  remove(): Promise<void>;
}

/**
 * A fresh DATA_DIR whose database holds one admin and `mail.mailboxes` as connected custom
 * mailboxes, checked an hour ago and not due for a day (so a server started on it idles
 * until makeDue()). Rows go in as the server writes them: passwords sealed per row and field.
 */
export async function seedDatabase(mail: MailServers, databaseUrl?: string): Promise<SeededData> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
  const key = randomBytes(32);
  const sealer = createSealer(key);
  const db = await openDatabase(databaseUrl ?? `sqlite://${path.join(dataDir, 'regrant.sqlite')}`);
  const { user } = await createUsers(db).add({ email: 'admin@cycle.test', role: 'admin' });
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  const rows: NewAccountRow[] = mail.mailboxes.map((m) => {
    const id = newId('acc');
    const { smtp, imap } = settingsOf(mail, m);
    return {
      ...newAccountRow({ id, email: m.email, ownerId: user.id, provider: 'custom', now: hourAgo }),
      state: 'connected',
      smtp_host: smtp.host, smtp_port: smtp.port, smtp_security: smtp.security, smtp_username: smtp.username,
      smtp_password: sealer.seal(smtp.password, `${id}:smtp_password`),
      imap_host: imap.host, imap_port: imap.port, imap_security: imap.security, imap_username: imap.username,
      imap_password: sealer.seal(imap.password, `${id}:imap_password`),
      last_checked_at: hourAgo,
      next_check_at: tomorrow,
    };
  });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('accounts').values(rows.slice(i, i + 200)).execute();
  });

  return {
    dataDir,
    databaseEnv: databaseUrl ? { DATABASE_URL: databaseUrl } : {},
    secretKey: key.toString('base64'),
    db,
    count: rows.length,
    async makeDue() {
      const start = Date.now();
      await db.updateTable('accounts').set({ next_check_at: new Date(start).toISOString() }).execute();
      return start;
    },
    async cycleDone(startMs, timeoutMs = 600_000) {
      const since = new Date(startMs).toISOString();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await db
          .selectFrom('accounts')
          .select((eb) => [eb.fn.countAll<number>().as('checked'), eb.fn.max('last_checked_at').as('last'), sql<number>`sum(case when state = 'connected' then 1 else 0 end)`.as('connected')])
          .where('last_checked_at', '>=', since)
          .executeTakeFirstOrThrow();
        if (Number(row.checked) >= rows.length) return { lastCheckedMs: Date.parse(row.last as string), connected: Number(row.connected) };
        if (Date.now() > deadline) throw new Error(`only ${row.checked} of ${rows.length} mailboxes checked after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async remove() {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Memory of one process from /proc (kB → MB): resident now, and the peak since it started. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** CPU time a process has used so far (user + system), in ms. */
export function cpuMsOf(pid: number): number {
  // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th, in clock ticks (100 Hz).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A benchmark's child process: plain node running compiled JavaScript. */
export interface BenchProcess {
  /** The node process running the script. */
  pid: number;
  child: ChildProcess;
  died: Promise<never>;
  stop(): Promise<void>;
}

/**
 * The node arguments `npm start` runs the server with, read from package.json's `start` script
 * (`node <flags> dist/server/main.js`), so that a benchmark measures exactly that process.
 */
export function startArgs(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.trim().split(/\s+/);
  if (start[0] !== 'node' || start.at(-1) !== 'dist/server/main.js') throw new Error(`package.json's start script is not "node … dist/server/main.js": ${start.join(' ')}`);
  return start.slice(1);
}

/** Builds the server as `npm start` does (`scripts/build-server.mjs`: only when its sources changed). */
export function buildServer(): void {
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('scripts/build-server.mjs failed');
}

/**
 * A TypeScript script of the benchmarks compiled to one JavaScript file (its packages left to
 * node_modules), so that a reference runs under plain node as the server does.
 */
export function compileScript(script: string): string {
  const outfile = path.resolve('dist/bench', `${path.basename(script, '.ts')}.js`);
  buildSync({ entryPoints: [script], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning' });
  return outfile;
}

/** A JavaScript file under plain node, as `npm start` runs the compiled server. */
export async function spawnNode(args: string[], env: Record<string, string>, stdio: 'pipe' | 'ignore' | number = 'ignore'): Promise<BenchProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: [typeof stdio === 'number' ? 'ignore' : stdio, stdio, 'inherit'], detached: true });
  const pid = child.pid!;
  let stopping = false;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`code ${code}, signal ${signal}`)));
  const died = exited.then((how) => (stopping ? new Promise<never>(() => {}) : Promise.reject(new Error(`node ${args.join(' ')} ended by itself (${how})`))));
  died.catch(() => {});
  return {
    pid,
    child,
    died,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGKILL');
      }
      await exited;
    },
  };
}

/**
 * Regrant as `npm start` runs it (the node arguments of its `start` script, built first)
 * on the seeded DATA_DIR, once /healthz answers; `nodeArgs` such as --cpu-prof go to its node.
 * Its log goes to the file REGRANT_BENCH_LOG names, if any.
 */
export async function spawnRegrant(data: SeededData, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BenchProcess & { port: number }> {
  buildServer();
  const port = await freePort();
  const log = process.env.REGRANT_BENCH_LOG ? openSync(process.env.REGRANT_BENCH_LOG, 'a') : 'ignore';
  const server = await spawnNode([...nodeArgs, ...startArgs()], { DATA_DIR: data.dataDir, ...data.databaseEnv, SECRET_KEY: data.secretKey, PORT: String(port), HOST: '127.0.0.1', ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...env }, log);
  if (typeof log === 'number') closeSync(log);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error('the Regrant server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...server, port };
}
