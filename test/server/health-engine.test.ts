/**
 * The health engine over time: the scheduler finds due mailboxes by itself, a hanging server
 * cannot stall it, passing trouble becomes "unreachable" (never a re-auth), security checks
 * are re-tried slowly, and two server processes never check the same mailbox at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { decide, nextRegular, SLOW_HOURLY_RETRIES } from '../../server/health/state.ts';
import { createRegrant } from '../../server/regrant.ts';
import { silentLogger } from '../../server/log/index.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startSilentServer } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let imap: Dovecot;
let smtp: TestSmtp;
let silent: { port: number; close(): Promise<void> };
let rg: TestRegrant;
let admin: Client;

beforeAll(async () => {
  imap = await startDovecot({ 'good@acme.test': 'pw', 'flaky@acme.test': 'pw', 'web@acme.test': 'pw', 'hang@acme.test': 'pw' });
  smtp = await startSmtp({ 'good@acme.test': 'pw', 'flaky@acme.test': 'pw', 'web@acme.test': 'pw', 'hang@acme.test': 'pw' });
  silent = await startSilentServer();
  rg = await startRegrant({ CHECK_TIMEOUT_SECONDS: '1', CHECK_CONCURRENCY: '1', CHECK_INTERVAL_SECONDS: '300' });
  admin = await rg.user('admin@acme.test', 'admin');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop(), silent?.close()]);
});

const create = async (body: unknown) => (await (await admin.post('/api/accounts', body)).json()) as AccountView;
const get = async (id: string) => (await (await admin.get(`/api/accounts/${id}`)).json()) as AccountView;

describe('scheduler', () => {
  it('checks new mailboxes by itself, and one that hangs does not hold up the others', async () => {
    const hang = await create({ ...customMailbox('hang@acme.test', smtp, imap, 'pw'), imap: { host: '127.0.0.1', port: silent.port, security: 'none', username: 'hang@acme.test', password: 'pw' } });
    const good = await create(customMailbox('good@acme.test', smtp, imap, 'pw'));
    const started = Date.now();
    rg.start(); // concurrency 1: the hanging check must time out before the good one can run
    const checkedGood = await eventually(async () => ((await get(good.id)).state === 'connected' ? Date.now() : null), 8000);
    expect(checkedGood - started).toBeLessThan(5000);
    const hung = await get(hang.id);
    expect(hung.lastCheckedAt).not.toBeNull();
    expect(hung.state).toBe('new'); // one transient failure changes nothing yet
    const events = (await (await admin.get(`/api/accounts/${hang.id}/events`)).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(0);
    const row = await rg.db.selectFrom('accounts').selectAll().where('id', '=', hang.id).executeTakeFirstOrThrow();
    expect(row.transient_failures).toBe(1);
    expect(row.lease_owner).toBeNull();
    await admin.del(`/api/accounts/${hang.id}`);
  });
});

describe('passing trouble', () => {
  it('three transient failures make a mailbox unreachable, with no alert; a good check brings it back', async () => {
    const flaky = await create(customMailbox('flaky@acme.test', smtp, imap, 'pw'));
    expect((await (await admin.post(`/api/accounts/${flaky.id}/check`)).json()).state).toBe('connected');
    smtp.answer('flaky@acme.test', 454, '4.7.0 Temporary authentication failure');
    const states: string[] = [];
    for (let i = 0; i < 4; i++) states.push(((await (await admin.post(`/api/accounts/${flaky.id}/check`)).json()) as AccountView).state);
    expect(states).toEqual(['connected', 'connected', 'unreachable', 'unreachable']);
    const view = await get(flaky.id);
    expect(view.reason?.code).toBe('smtp_temporary_failure');
    const alerts = await rg.db.selectFrom('mail_queue').selectAll().where('account_id', '=', flaky.id).execute();
    expect(alerts).toHaveLength(0);

    smtp.clearAnswer('flaky@acme.test');
    expect((await (await admin.post(`/api/accounts/${flaky.id}/check`)).json()).state).toBe('connected');
    const events = (await (await admin.get(`/api/accounts/${flaky.id}/events`)).json()) as { events: { from: string; to: string }[] };
    expect(events.events.map((e) => `${e.from}->${e.to}`)).toEqual(['unreachable->connected', 'connected->unreachable', 'new->connected']);
  });
});

describe('dead credentials and security checks', () => {
  it('a rejected SMTP password is not lost to an IMAP server that hangs', async () => {
    smtp.answer('hang@acme.test', 535, '5.7.8 Authentication credentials invalid');
    const both = await create({ ...customMailbox('hang@acme.test', smtp, imap, 'pw'), imap: { host: '127.0.0.1', port: silent.port, security: 'none', username: 'hang@acme.test', password: 'pw' } });
    const view = (await (await admin.post(`/api/accounts/${both.id}/check`)).json()) as AccountView;
    expect(view.state).toBe('needs_reauth');
    expect(view.reason?.code).toBe('smtp_auth_failed');
  });

  it('"log in via your web browser" is re-tried in an hour, not at the next cycle', async () => {
    const web = await create(customMailbox('web@acme.test', smtp, imap, 'pw'));
    smtp.answer('web@acme.test', 534, '5.7.14 Please log in via your web browser and then try again.');
    const before = Date.now();
    const view = (await (await admin.post(`/api/accounts/${web.id}/check`)).json()) as AccountView;
    expect(view.state).toBe('needs_reauth');
    expect(view.reason?.code).toBe('web_login_required');
    const wait = Date.parse(view.nextCheckAt!) - before;
    expect(wait).toBeGreaterThan(59 * 60_000);
    expect(wait).toBeLessThan(61 * 60_000);
  });

  it('regular checks spread over ±10 % of the interval', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const at = (r: number) => (Date.parse(nextRegular(now, { intervalSeconds: 300, random: () => r })) - now.getTime()) / 1000;
    expect(at(0)).toBe(270);
    expect(at(0.5)).toBe(300);
    expect(at(0.999)).toBeCloseTo(329.94, 1);
  });

  it('slow re-tries go hourly, then daily, and keep one incident', () => {
    const security = { verdict: 'needs_reauth' as const, code: 'web_login_required', message: 'm', hint: 'h', retry: 'slow' as const, detail: '' };
    let standing = { state: 'connected' as const as 'connected' | 'needs_reauth', transient_failures: 0, slow_retries: 0, next_check_at: null as string | null };
    const now = new Date('2026-01-01T00:00:00Z');
    const waits: number[] = [];
    const incidents: boolean[] = [];
    for (let i = 0; i < SLOW_HOURLY_RETRIES + 2; i++) {
      const d = decide(standing, security, now, { intervalSeconds: 300 });
      waits.push((Date.parse(d.next_check_at!) - now.getTime()) / 3600_000);
      incidents.push(d.opensIncident);
      standing = { state: 'needs_reauth', transient_failures: 0, slow_retries: d.slow_retries, next_check_at: d.next_check_at };
    }
    expect(waits).toEqual([1, 1, 1, 24, 24]);
    expect(incidents).toEqual([true, false, false, false, false]);
  });

  it('a rejected password is never re-tried by itself, even after passing trouble', () => {
    const dead = { verdict: 'needs_reauth' as const, code: 'smtp_auth_failed', message: 'm', hint: 'h', retry: 'never' as const, detail: '' };
    const blip = { verdict: 'transient' as const, code: 'timeout', message: 'm', hint: 'h', retry: 'normal' as const, detail: '' };
    const d1 = decide({ state: 'connected', transient_failures: 0, slow_retries: 0, next_check_at: 'x' }, dead, new Date(), { intervalSeconds: 300 });
    expect(d1.next_check_at).toBeNull();
    const d2 = decide({ state: 'needs_reauth', transient_failures: 0, slow_retries: 0, next_check_at: null }, blip, new Date(), { intervalSeconds: 300 });
    expect(d2).toMatchObject({ state: 'needs_reauth', next_check_at: null, transition: false });
  });
});

describe('checks and edits at the same time', () => {
  it('a check that was running when the settings changed is dropped, not applied to the new settings', async () => {
    smtp.setPassword('late@acme.test', 'new-pw');
    smtp.answer('late@acme.test', 535, '5.7.8 Authentication credentials invalid');
    await imap.addUser('late@acme.test', 'new-pw');
    // SMTP refuses the old password at once; IMAP hangs, so the check lasts until its time limit.
    const late = await create({ ...customMailbox('late@acme.test', smtp, imap, 'old-pw'), imap: { host: '127.0.0.1', port: silent.port, security: 'none', username: 'late@acme.test', password: 'old-pw' } });
    const checking = admin.post(`/api/accounts/${late.id}/check`);
    await new Promise((r) => setTimeout(r, 300));
    smtp.clearAnswer('late@acme.test');
    const patched = await admin.patch(`/api/accounts/${late.id}`, {
      smtp: { password: 'new-pw' },
      imap: { host: '127.0.0.1', port: imap.port, security: 'none', username: 'late@acme.test', password: 'new-pw' },
    });
    expect(patched.status).toBe(200);
    const dropped = (await (await checking).json()) as AccountView;
    expect(dropped.state).toBe('new'); // the old password's refusal was not applied
    expect(Date.parse(dropped.nextCheckAt!)).toBeLessThanOrEqual(Date.now());
    expect(await rg.db.selectFrom('mail_queue').selectAll().where('account_id', '=', late.id).execute()).toHaveLength(0);
    const checked = (await (await admin.post(`/api/accounts/${late.id}/check`)).json()) as AccountView;
    expect(checked.state).toBe('connected');
  });

  it('"check now" waits for a check already holding the lease, then runs', async () => {
    await rg.stop(); // the scheduler started above must not claim the new account first
    const busy = await create(customMailbox('busy@acme.test', smtp, imap, 'pw'));
    smtp.setPassword('busy@acme.test', 'pw');
    await imap.addUser('busy@acme.test', 'pw');
    await rg.db.updateTable('accounts').set({ next_check_at: new Date(0).toISOString() }).where('id', '=', busy.id).execute();
    const [held] = (await rg.health.claimDue(50)).filter((r) => r.id === busy.id);
    expect(held).toBeDefined();
    let done = false;
    const waiting = rg.health.checkNow(busy.id).then((row) => ((done = true), row));
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    await rg.health.release(held);
    expect((await waiting).state).toBe('connected');
  });

  it('a manual check always gives polling clients a fresh status', async () => {
    const etag = (await admin.get('/api/status')).headers.get('etag')!;
    const { accounts } = (await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] };
    const good = accounts.find((a) => a.email === 'good@acme.test')!;
    await admin.post(`/api/accounts/${good.id}/check`);
    expect((await admin.get('/api/status', { 'if-none-match': etag })).status).toBe(200);
  });
});

describe('leases', () => {
  it('two server processes on one database never claim the same mailbox', async () => {
    await rg.stop(); // only the two claims below may take leases
    const other = await createRegrant(rg.config, { logger: silentLogger });
    try {
      const owner = (await rg.users.byEmail('admin@acme.test'))!;
      for (let i = 0; i < 30; i++) {
        await rg.accounts.create({ id: owner.id, role: 'admin' }, customMailbox(`bulk${i}@acme.test`, { port: 1 }, { port: 1 }, 'pw') as never);
      }
      await rg.db.updateTable('accounts').set({ next_check_at: new Date(Date.now() - 1000).toISOString(), lease_owner: null, lease_until: null }).where('email', 'like', 'bulk%').execute();
      const [a, b] = await Promise.all([rg.health.claimDue(20), other.health.claimDue(20)]);
      const ids = [...a, ...b].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(30);
      // Each lease names the instance that holds it.
      expect(a.every((r) => r.lease_owner === rg.instance.id)).toBe(true);
      expect(b.every((r) => r.lease_owner === other.instance.id)).toBe(true);
      expect(rg.instance.id).not.toBe(other.instance.id);
    } finally {
      await other.close();
    }
  });
});
