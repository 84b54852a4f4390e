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

/**
 * `count` mailboxes on a server that accepts connections and never answers, checked by a
 * started Regrant until each was checked once: the most leases held at once, how long it took.
 */
async function checkHanging(concurrency: number, count: number) {
  const hang = await startCountingSilentServer();
  const rg = await startRegrant({ CHECK_CONCURRENCY: String(concurrency), CHECK_TIMEOUT_SECONDS: '1' });
  cleanup.push(() => hang.close(), () => rg.destroy());
  const admin = await rg.user('admin@acme.test', 'admin');
  const settings = { host: '127.0.0.1', port: hang.port, security: 'none', username: 'u', password: 'p' };
  for (let i = 0; i < count; i++) {
    expect((await admin.post('/api/accounts', { email: `hang${i}@acme.test`, smtp: settings, imap: settings })).status).toBe(201);
  }
  const started = Date.now();
  rg.start();
  let mostLeased = 0;
  await eventually(async () => {
    const rows = await rg.db.selectFrom('accounts').select(['last_checked_at', 'lease_owner']).execute();
    mostLeased = Math.max(mostLeased, rows.filter((r) => r.lease_owner !== null).length);
    return rows.every((r) => r.last_checked_at !== null);
  }, 15_000);
  const took = Date.now() - started;
  await rg.stop();
  const rows = await rg.db.selectFrom('accounts').select(['state', 'transient_failures', 'lease_owner']).execute();
  return { mostLeased, took, hang, rows };
}

it('never runs more than CHECK_CONCURRENCY checks at once, and timed-out checks free their slot', async () => {
  // Six checks, two at a time, one second each: about three seconds, never six at once.
  // A check holds its lease while it runs; at this concurrency none is claimed ahead, so leases held = checks running.
  const { mostLeased, took, hang, rows } = await checkHanging(2, 6);
  expect(mostLeased).toBe(2);
  expect(hang.most).toBeGreaterThanOrEqual(2); // the checks did reach the hanging server
  expect(took).toBeGreaterThan(2000);
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

it('claims a few accounts ahead of the free slots, starts them as slots open, and hands them back on stop()', async () => {
  const due = Array.from({ length: 30 }, (_, i) => ({ id: `acc_${i}` }) as AccountRow);
  const claims: number[] = [];
  const released: string[] = [];
  const finishers: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const health = {
    claimDue: async (limit: number) => (claims.push(limit), due.splice(0, limit)),
    release: async (row: AccountRow) => void released.push(row.id),
    runClaimed: (row: AccountRow) => {
      most = Math.max(most, ++running);
      return new Promise<AccountRow>((resolve) => finishers.push(() => (running--, resolve(row))));
    },
  } as unknown as Health;
  const settle = () => new Promise((r) => setTimeout(r, 10));
  const finishOne = async () => (finishers.shift()!(), await settle());

  const scheduler = startScheduler(health, { concurrency: 5, tickMs: 60_000, logger: silentLogger });
  await settle();
  expect(claims).toEqual([6]); // five slots and one ahead
  expect(scheduler.running).toBe(5);
  await finishOne();
  expect(claims).toEqual([6]); // the slot went to the one claimed ahead, without a claim
  expect(scheduler.running).toBe(5);
  await finishOne();
  expect(claims).toEqual([6, 2]);
  for (let i = 0; i < 10; i++) await finishOne();
  expect(most).toBe(5);
  expect(claims.length).toBeLessThan(12); // twelve checks, fewer claims

  const stopping = scheduler.stop();
  await settle();
  expect(released).toHaveLength(1); // the one waiting for a slot goes back at once
  while (finishers.length) finishers.shift()!();
  await stopping;
  // Every account is accounted for: still due, handed back, checked (12) or under way at stop (5).
  expect(due.length + released.length + 12 + 5).toBe(30);
});

it('with accounts claimed ahead, still never more than CHECK_CONCURRENCY checks reach the servers at once', async () => {
  const { mostLeased, hang, rows } = await checkHanging(5, 12);
  // Each check opens its SMTP and its IMAP connection to the silent server: two per check.
  expect(hang.most).toBe(10);
  expect(mostLeased).toBeLessThanOrEqual(6); // five running, one claimed ahead
  for (const row of rows) expect(row).toEqual({ state: 'new', transient_failures: 1, lease_owner: null });
});
