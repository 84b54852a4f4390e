/**
 * The scheduler keeps to CHECK_CONCURRENCY even when every server hangs, and each hung check
 * ends at CHECK_TIMEOUT_SECONDS, releasing its lease.
 */
import { afterAll, expect, it } from 'vitest';
import type { AccountRow } from '../../server/db/schema.ts';
import type { Health } from '../../server/health/check.ts';
import { startScheduler } from '../../server/health/scheduler.ts';
import { silentLogger } from '../../server/log/index.ts';
import { startCountingSilentServer } from '../support/ports.ts';
import { eventually, startRegrant } from '../support/regrant.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

it('never runs more than CHECK_CONCURRENCY checks at once, and timed-out checks free their slot', async () => {
  const hang = await startCountingSilentServer();
  const rg = await startRegrant({ CHECK_CONCURRENCY: '2', CHECK_TIMEOUT_SECONDS: '1' });
  cleanup.push(() => hang.close(), () => rg.destroy());
  const admin = await rg.user('admin@acme.test', 'admin');
  const settings = { host: '127.0.0.1', port: hang.port, security: 'none', username: 'u', password: 'p' };
  for (let i = 0; i < 6; i++) {
    expect((await admin.post('/api/accounts', { email: `hang${i}@acme.test`, smtp: settings, imap: settings })).status).toBe(201);
  }
  const started = Date.now();
  rg.start();
  // Six checks, two at a time, one second each: about three seconds, never six at once.
  // A check holds its lease while it runs, so leases held = checks running.
  let mostLeased = 0;
  await eventually(async () => {
    const rows = await rg.db.selectFrom('accounts').select(['last_checked_at', 'lease_owner']).execute();
    mostLeased = Math.max(mostLeased, rows.filter((r) => r.lease_owner !== null).length);
    return rows.every((r) => r.last_checked_at !== null);
  }, 10_000);
  const took = Date.now() - started;
  await rg.stop();
  expect(mostLeased).toBe(2);
  expect(hang.most).toBeGreaterThanOrEqual(2); // the checks did reach the hanging server
  expect(took).toBeGreaterThan(2000);
  const rows = await rg.db.selectFrom('accounts').select(['state', 'transient_failures', 'lease_owner']).execute();
  for (const row of rows) expect(row).toEqual({ state: 'new', transient_failures: 1, lease_owner: null });
});

it('stop() during a claim hands the claimed mailboxes back instead of checking them', async () => {
  let finishClaim: (rows: AccountRow[]) => void = () => {};
  const released: string[] = [];
  const checked: string[] = [];
  const health = {
    claimDue: () => new Promise<AccountRow[]>((resolve) => (finishClaim = resolve)),
    release: async (row: AccountRow) => void released.push(row.id),
    runClaimed: async (row: AccountRow) => (checked.push(row.id), row),
  } as unknown as Health;
  const scheduler = startScheduler(health, { concurrency: 5, tickMs: 60_000, logger: silentLogger });
  const stopping = scheduler.stop();
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 50));
  expect(stopped).toBe(false); // stop() waits for the claim under way
  finishClaim([{ id: 'acc_a' }, { id: 'acc_b' }] as AccountRow[]);
  await stopping;
  expect(released).toEqual(['acc_a', 'acc_b']);
  expect(checked).toEqual([]);
});
