/**
 * Regrant's own health: admins read it at GET /api/server/health; everyone's /api/status says
 * `serverDegraded` when checks are overdue or the alert email server refuses Regrant.
 */
import { afterEach, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { serverHealthSchema, statusResponseSchema } from '../../shared/responses.ts';
import { parsePrometheus } from '../support/prometheus.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function world(notifyUrl: (notify: TestSmtp) => string, notify: TestSmtp) {
  const mailboxes = await startSmtp();
  const rg = await startRegrant({ NOTIFY_SMTP_URL: notifyUrl(notify), METRICS_TOKEN: TOKEN }, { degradedCacheMs: 0 });
  cleanup.push(() => notify.stop(), () => mailboxes.stop(), () => rg.destroy());
  const admin = await rg.user('admin@acme.test', 'admin');
  const member = await rg.user('owner@acme.test', 'member');
  return { rg, admin, member, mailboxes };
}

async function status(client: Client, etag?: string) {
  const res = await client.get('/api/status', etag ? { 'if-none-match': etag } : {});
  return { res, body: res.status === 200 ? statusResponseSchema.parse(await res.json()) : null, etag: res.headers.get('etag')! };
}

async function health(client: Client) {
  const res = await client.get('/api/server/health');
  expect(res.status).toBe(200);
  return serverHealthSchema.parse(await res.json());
}

async function loseMailbox(rg: TestRegrant, member: Client, mailboxes: TestSmtp) {
  mailboxes.answer('lost@acme.test', 535, '5.7.8 Authentication credentials invalid');
  const account = (await (await member.post('/api/accounts', customMailbox('lost@acme.test', mailboxes, { port: await freePort() }, 'pw'))).json()) as AccountView;
  expect(((await (await member.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
  await rg.notifier.kick();
}

it.each([
  ['535 at sign-in', (n: TestSmtp) => n.answer('regrant', 535, '5.7.8 Authentication credentials invalid'), /535/],
  ['550 to every message', (n: TestSmtp) => n.refuseMessages({ code: 550, text: '5.7.1 Sender not allowed' }), /550/],
])('serverDegraded turns on while the alert email server refuses Regrant (%s), and off once it accepts', async (_, refuse, said) => {
  const notify = await startSmtp({ regrant: 'notify-pass' });
  const { rg, admin, member, mailboxes } = await world((n) => `smtp://regrant:notify-pass@127.0.0.1:${n.port}`, notify);
  const before = await status(member);
  expect(before.body!.serverDegraded).toBe(false);

  refuse(notify);
  await loseMailbox(rg, member, mailboxes);
  expect(notify.received).toHaveLength(0);

  // A poll with the old ETag is not a 304: the answer changed.
  const degraded = await status(member, before.etag);
  expect(degraded.res.status).toBe(200);
  expect(degraded.body!.serverDegraded).toBe(true);
  expect(degraded.etag).not.toBe(before.etag);
  expect((await status(member, degraded.etag)).res.status).toBe(304);

  const seen = await health(admin);
  expect(seen.degraded).toBe(true);
  expect(seen.problems).toEqual(['alert_emails_failing']);
  // The admin and the owner: the mailbox never passed a check, so its own address is not emailed.
  expect(seen.alertEmails).toMatchObject({ waiting: 2, failing: 2 });
  expect(seen.alertEmails.lastError!.message).toMatch(said);
  expect(seen.alertEmails.lastError!.attempts).toBe(1);
  expect(JSON.stringify(seen)).not.toContain('notify-pass');
  // Admins' status carries the refusal's reply code for the banner ("Regrant cannot send its own emails"); members' does not.
  expect((await status(admin)).body!.ownEmailsRefused!.replyCode).toMatch(new RegExp(`^${said.source} 5\\.7\\.\\d$`));
  expect(degraded.body!.ownEmailsRefused).toBeUndefined();

  const m = parsePrometheus(await (await rg.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text());
  expect(m.value('regrant_alert_emails_failing', { kind: 'alert' })).toBe(2);
  expect(m.value('regrant_alert_emails_total', { kind: 'alert', outcome: 'failed' })).toBe(2);
  expect(m.value('regrant_alert_emails_oldest_age_seconds')).toBeGreaterThan(0);

  // The mail server takes Regrant again; the re-try goes out and the flag goes off.
  notify.clearAnswer('regrant');
  notify.refuseMessages(null);
  await rg.db.updateTable('mail_queue').set({ next_attempt_at: new Date(Date.now() - 1).toISOString() }).execute();
  await rg.notifier.dispatchDue();
  expect(notify.received).toHaveLength(2);
  expect((await status(member)).body!.serverDegraded).toBe(false);
  expect((await status(admin)).body!.ownEmailsRefused).toBeUndefined();
  expect(await health(admin)).toMatchObject({ degraded: false, problems: [], alertEmails: { waiting: 0, failing: 0, lastError: null } });
});

it('checks overdue by more than an interval make the server degraded; the health says how many and when the last cycle ran', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const { rg, admin, member, mailboxes } = await world((n) => `smtp://127.0.0.1:${n.port}`, notify);
  await loseMailbox(rg, member, mailboxes);
  const fine = await health(admin);
  expect(fine).toMatchObject({ degraded: false, checks: { intervalSeconds: 300, overdue: 0, lastCycle: null } });
  expect(fine.version).toMatch(/^\d+\.\d+\.\d+/);

  // Two mailboxes checked a minute apart, one of them due ten minutes ago.
  const ok = (await (await member.post('/api/accounts', customMailbox('ok@acme.test', mailboxes, { port: await freePort() }, 'pw'))).json()) as AccountView;
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  const now = new Date().toISOString();
  await rg.db.updateTable('accounts').set({ state: 'connected', last_checked_at: minuteAgo, next_check_at: new Date(Date.now() - 600_000).toISOString() }).where('id', '=', ok.id).execute();
  await rg.db.updateTable('accounts').set({ state: 'unreachable', last_checked_at: now }).where('email', '=', 'lost@acme.test').execute();
  const late = await health(admin);
  expect(late).toMatchObject({ degraded: true, problems: ['checks_overdue'], checks: { overdue: 1, lastCycle: { startedAt: minuteAgo, finishedAt: now, seconds: 60, mailboxes: 2 } } });
  expect((await status(member)).body!.serverDegraded).toBe(true);
});

it('only admins see the server health: 403 for members, 401 without a token', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const { rg, member } = await world((n) => `smtp://127.0.0.1:${n.port}`, notify);
  const res = await member.get('/api/server/health');
  expect(res.status).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  expect((await rg.app.request('/api/server/health')).status).toBe(401);
});
