/**
 * GET /api/status with 10,000 mailboxes: requests per second of the 304 and 200 paths,
 * in-process through the real Hono app and SQLite, against a bare Hono route returning a
 * constant. Prints medians of 5 runs and the ratio to the bare route.
 *
 *   npx tsx bench/status.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { loadConfig } from '../server/config/index.ts';
import { newId } from '../server/db/ids.ts';
import { silentLogger } from '../server/log/index.ts';
import { createRegrant } from '../server/regrant.ts';

const MAILBOXES = 10_000;
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rate(fn: () => Promise<unknown>, ms = 1000): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return n / (ms / 1000);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
const rg = await createRegrant(loadConfig({ DATA_DIR: dataDir }), { logger: silentLogger });
const { user, token } = await rg.users.add({ email: 'admin@bench.test', role: 'admin' });
const now = new Date().toISOString();
for (let i = 0; i < MAILBOXES; i += 500) {
  await rg.db
    .insertInto('accounts')
    .values(
      Array.from({ length: 500 }, (_, j) => ({
        id: newId('acc'), email: `box${i + j}@bench.test`, name: null, owner_id: user.id, provider: 'custom' as const,
        state: (i + j) % 50 === 0 ? ('needs_reauth' as const) : ('connected' as const), reason_code: null, reason_message: null, reason_hint: null,
        state_changed_at: now, smtp_host: 'smtp.bench.test', smtp_port: 587, smtp_security: 'starttls' as const, smtp_username: 'u', smtp_password: 'v1.x',
        imap_host: 'imap.bench.test', imap_port: 993, imap_security: 'tls' as const, imap_username: 'u', imap_password: 'v1.x', oauth_refresh_token: null,
        last_checked_at: now, next_check_at: now, lease_owner: null, lease_until: null, incident_event_id: null, created_at: now, updated_at: now,
      })),
    )
    .execute();
}
const auth = { authorization: `Bearer ${token}` };
const first = await rg.app.request('/api/status', { headers: auth });
const etag = first.headers.get('etag')!;
const bytes = (await first.text()).length;
const bare = new Hono().get('/api/status', (c) => c.json({ ok: true }));

const results = { bare: [] as number[], notModified: [] as number[], full: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  results.bare.push(await rate(() => Promise.resolve(bare.request('/api/status', { headers: auth })).then((r) => r.text())));
  results.notModified.push(await rate(() => Promise.resolve(rg.app.request('/api/status', { headers: { ...auth, 'if-none-match': etag } })).then((r) => r.status === 304 || Promise.reject(new Error('not a 304')))));
  results.full.push(await rate(() => Promise.resolve(rg.app.request('/api/status', { headers: auth })).then((r) => r.text()), 2000));
}
const bareMedian = median(results.bare);
console.log(`GET /api/status, ${MAILBOXES} mailboxes (${(bytes / 1024).toFixed(0)} KiB body), in-process, median of ${RUNS} runs`);
console.log('| path | requests/s | ratio to bare route |');
console.log('| --- | ---: | ---: |');
console.log(`| bare Hono route (constant) | ${bareMedian.toFixed(0)} | 1.00 |`);
console.log(`| 304 (If-None-Match) | ${median(results.notModified).toFixed(0)} | ${(median(results.notModified) / bareMedian).toFixed(2)} |`);
console.log(`| 200 (full list) | ${median(results.full).toFixed(1)} | ${(median(results.full) / bareMedian).toFixed(4)} |`);
await rg.close();
rmSync(dataDir, { recursive: true, force: true });
