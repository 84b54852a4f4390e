/**
 * GET /api/status with 10,000 mailboxes in the database, measured over HTTP with autocannon:
 * requests per second of the 304 (If-None-Match) and 200 (full list) paths of a real Regrant
 * server process (as `npm start` runs it: `dist/server/main.js` under plain node, built first),
 * against a bare Hono route returning a constant in a process started the same way (compiled,
 * plain node). The three are measured in turn in every run; medians of 5. The server and
 * autocannon each get one of the machine's cores. Then one mailbox changes, and the size of the
 * delta a client's next poll (`?since=`) downloads is measured against the full list.
 *
 *   npx tsx bench/status.ts
 */
import autocannon from 'autocannon';
import type { StatusResponse } from '../shared/api.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config/index.ts';
import { newId } from '../server/db/ids.ts';
import { silentLogger } from '../server/log/index.ts';
import { createRegrant } from '../server/regrant.ts';
import { freePort, waitForPort } from '../test/support/ports.ts';
import { median, num, report, runsOf } from './figures.ts';
import { buildServer, compileScript, spawnNode, startArgs, type BenchProcess } from './support/mailboxes.ts';

const MAILBOXES = 10_000;
const RUNS = 5;
const SECONDS = 4;
const CONNECTIONS = 10;

/** A database like a workspace of 10,000 custom mailboxes, one in 50 needing re-authentication. */
async function seed(dataDir: string): Promise<string> {
  const rg = await createRegrant(loadConfig({ DATA_DIR: dataDir }), { logger: silentLogger });
  const { user, token } = await rg.users.add({ email: 'admin@bench.test', role: 'admin' });
  const now = new Date().toISOString();
  // Not due for a day: a check during the run would change the answer (and its ETag).
  const later = new Date(Date.now() + 86_400_000).toISOString();
  // Never opened here: nothing is checked during the run.
  const password = 'v1.not-opened';
  for (let i = 0; i < MAILBOXES; i += 500) {
    await rg.db
      .insertInto('accounts')
      .values(
        Array.from({ length: 500 }, (_, j) => {
          const broken = (i + j) % 50 === 0;
          return {
            id: newId('acc'), email: `box${i + j}@bench.test`, name: null, owner_id: user.id, provider: 'custom' as const,
            state: broken ? ('needs_reauth' as const) : ('connected' as const), reason_code: broken ? 'invalid_credentials' : null,
            reason_message: broken ? 'The SMTP server refused the username or password.' : null, reason_hint: null,
            state_changed_at: now, smtp_host: 'smtp.bench.test', smtp_port: 587, smtp_security: 'starttls' as const, smtp_username: `box${i + j}`, smtp_password: password,
            imap_host: 'imap.bench.test', imap_port: 993, imap_security: 'tls' as const, imap_username: `box${i + j}`, imap_password: password, oauth_refresh_token: null,
            last_checked_at: now, next_check_at: later, lease_owner: null, lease_until: null, incident_event_id: null, created_at: now, updated_at: now,
          };
        }),
      )
      .execute();
  }
  await rg.close();
  return token;
}

/** A JavaScript file under plain node (as `npm start` runs the server) on a free port, once it accepts connections. */
async function startProcess(args: string[], env: Record<string, string>): Promise<BenchProcess & { port: number }> {
  const port = await freePort();
  const started = await spawnNode(args, { ...env, PORT: String(port) });
  await waitForPort(port, 30_000, () => started.child.exitCode !== null);
  return { ...started, port };
}

/** CPU time (user + system) a process has used so far, in µs: /proc counts it in ticks of 1/100 s. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Requests per second over SECONDS, and the server's CPU per request (µs): unlike the rate, it
 * hardly depends on what else the machine runs. Every answer must have the expected status.
 */
async function load(url: string, headers: Record<string, string>, status: number, pid: number, seconds = SECONDS, connections = CONNECTIONS): Promise<{ rate: number; cpu: number }> {
  const before = cpuMicros(pid);
  const result = await autocannon({ url, headers, connections, duration: seconds });
  const cpu = (cpuMicros(pid) - before) / result.requests.total;
  const answered = Object.entries(result.statusCodeStats ?? {});
  const wrong = answered.filter(([code]) => Number(code) !== status);
  if (wrong.length || result.errors || result.timeouts) {
    throw new Error(`${url}: expected only ${status}s, got ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rate: result.requests.total / seconds, cpu };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
const processes: BenchProcess[] = [];
try {
  const token = await seed(dataDir);
  const auth = { authorization: `Bearer ${token}` };
  buildServer();
  const regrant = await startProcess(startArgs(), { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const bare = await startProcess([compileScript('bench/support/bare-route.ts')], {});
  processes.push(regrant, bare);
  const statusUrl = `http://127.0.0.1:${regrant.port}/api/status`;
  const first = await fetch(statusUrl, { headers: auth });
  const etag = first.headers.get('etag');
  const firstBody = await first.arrayBuffer();
  const bytes = firstBody.byteLength;
  if (first.status !== 200 || !etag) throw new Error(`GET /api/status answered ${first.status} without an ETag`);
  const notModified = { ...auth, 'if-none-match': etag };

  // Warm up both processes (JIT, SQLite page cache) before measuring.
  await load(`http://127.0.0.1:${bare.port}/api/status`, auth, 200, bare.pid, 1);
  await load(statusUrl, notModified, 304, regrant.pid, 1);
  await load(statusUrl, auth, 200, regrant.pid, 2, 2);

  const results = { bare: [] as number[], notModified: [] as number[], full: [] as number[] };
  const cpu = { bare: [] as number[], notModified: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const b = await load(`http://127.0.0.1:${bare.port}/api/status`, auth, 200, bare.pid);
    const n = await load(statusUrl, notModified, 304, regrant.pid);
    results.bare.push(b.rate);
    results.notModified.push(n.rate);
    cpu.bare.push(b.cpu);
    cpu.notModified.push(n.cpu);
    results.full.push((await load(statusUrl, auth, 200, regrant.pid, SECONDS, 2)).rate);
    console.log(`run ${run + 1}/${RUNS}: bare ${num(results.bare[run])} (${num(b.cpu, 1)} µs CPU each), 304 ${num(results.notModified[run])} (${num(n.cpu, 1)} µs), 200 ${num(results.full[run], 1)} req/s`);
  }
  const bareRate = median(results.bare);
  const reference = `bare Hono route: ${num(bareRate)} req/s`;
  const ratio304 = median(results.notModified) / bareRate;
  report({
    name: `GET /api/status, 304 path, ${num(MAILBOXES)} mailboxes (autocannon, ${CONNECTIONS} connections)`,
    value: `${num(median(results.notModified))} req/s`, reference, ratio: ratio304, goal: '≥ 0.5 of the bare route', met: ratio304 >= 0.5,
    runs: runsOf(results.notModified, (r) => num(r)),
  });
  report({
    name: 'server CPU per request, same runs: 304 path (the bare route as reference)',
    value: `${num(median(cpu.notModified), 1)} µs`, reference: `bare route: ${num(median(cpu.bare), 1)} µs`, ratio: median(cpu.notModified) / median(cpu.bare),
    runs: runsOf(cpu.notModified, (r) => num(r, 1)),
  });
  report({
    name: `GET /api/status, 200 path (${num(bytes / 1024)} KiB JSON of ${num(MAILBOXES)} mailboxes, 2 connections)`,
    value: `${num(median(results.full), 1)} req/s`, reference, ratio: median(results.full) / bareRate,
    runs: runsOf(results.full, (r) => num(r, 1)),
  });

  // One mailbox changes: what the extension's next poll downloads.
  const { version, accounts } = JSON.parse(new TextDecoder().decode(firstBody)) as StatusResponse;
  const changed = await fetch(`http://127.0.0.1:${regrant.port}/api/accounts/${accounts[4242].id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'changed by the benchmark' }) });
  if (changed.status !== 200) throw new Error(`PATCH answered ${changed.status}`);
  const delta = await fetch(`${statusUrl}?since=${version}`, { headers: notModified });
  const deltaBytes = (await delta.arrayBuffer()).byteLength;
  if (delta.status !== 200) throw new Error(`the poll after a change answered ${delta.status}`);
  report({
    name: `GET /api/status?since=VERSION after one of ${num(MAILBOXES)} mailboxes changed`,
    value: `${num(deltaBytes / 1024, 1)} KiB`, reference: `full list: ${num(bytes / 1024)} KiB`, goal: '≤ 16 KiB', met: deltaBytes <= 16 * 1024, runs: `one poll, ${num(deltaBytes)} bytes`,
  });
} finally {
  await Promise.all(processes.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
