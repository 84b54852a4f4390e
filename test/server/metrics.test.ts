/**
 * Regrant's own metrics, seen the way Prometheus sees them: a story of three mailboxes on real
 * mail servers and the Google stand-in (one loses its login, one email is held, one share
 * link is used), then the scrape says exactly that; labels never hold an address, a host or a
 * path; the series do not grow with the mailboxes; and /metrics answers only with its token,
 * on the main port or on its own.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { newAccountRow } from '../../server/accounts/new-row.ts';
import { newId } from '../../server/db/ids.ts';
import type { NewAccountRow } from '../../server/db/schema.ts';
import { startListeners } from '../../server/http/listeners.ts';
import { createLogger } from '../../server/log/index.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { freePort } from '../support/ports.ts';
import { parsePrometheus } from '../support/prometheus.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const GMAIL = 'sales@gmail.test';
const OPS = 'ops@acme.test';
const LOST = 'hello@acme.test';
const PASSWORDS: Record<string, string> = { [OPS]: 'ops-password-1', [LOST]: 'hello-password-1' };
const NOTIFY_PASSWORD = 'notify-url-secret';

let world: OAuthWorld;
let rg: TestRegrant;
let imap: Dovecot;
let smtp: TestSmtp;
let notify: TestSmtp;
let admin: Client;
let owner: Client;
const logLines: string[] = [];
const planted: string[] = [];

async function scrape(target: { app: TestRegrant['app'] } = rg, token = TOKEN) {
  const res = await target.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

beforeAll(async () => {
  imap = await startDovecot(PASSWORDS);
  smtp = await startSmtp(PASSWORDS);
  notify = await startSmtp({ regrant: NOTIFY_PASSWORD });
  world = await startOAuthWorld([GMAIL], { METRICS_TOKEN: TOKEN, NOTIFY_SMTP_URL: `smtp://regrant:${NOTIFY_PASSWORD}@127.0.0.1:${notify.port}` }, { logger: createLogger((line) => logLines.push(line)) });
  rg = world.rg;
  admin = await rg.user('admin@acme.test', 'admin');
  owner = await rg.user('owner@acme.test', 'member');
  planted.push(PASSWORDS[OPS], PASSWORDS[LOST], NOTIFY_PASSWORD, admin.token, owner.token);

  // Three mailboxes: two custom ones on smtp-server and Dovecot, one Gmail through consent.
  const add = async (email: string) => (await (await owner.post('/api/accounts', customMailbox(email, smtp, imap, PASSWORDS[email]))).json()) as AccountView;
  const ops = await add(OPS);
  const lost = await add(LOST);
  const gmail = await world.connect(owner, 'google', GMAIL);
  for (const id of [ops.id, lost.id]) expect(((await (await owner.post(`/api/accounts/${id}/check`)).json()) as AccountView).state).toBe('connected');

  // hello@ loses its login; an email queued from it is held.
  smtp.setPassword(LOST, 'changed-by-someone');
  expect(((await (await owner.post(`/api/accounts/${lost.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
  expect((await owner.post('/api/messages', { accountId: lost.id, to: 'client@example.test', subject: 'Held', text: 'waits' })).status).toBe(202);

  // The Gmail grant is revoked; a share link brings it back.
  world.google.revoke(GMAIL);
  expect(((await (await owner.post(`/api/accounts/${gmail.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
  const { url } = (await (await owner.post(`/api/accounts/${gmail.id}/share-link`)).json()) as { url: string };
  planted.push(url.split('/r/')[1]);
  const done = await world.browser().submit(url);
  expect(done.html).toMatch(/Reconnected/);
  const callback = done.chain.find((u) => u.includes('/oauth/google/callback'))!;
  planted.push(new URL(callback).searchParams.get('code')!);
  await rg.notifier.kick();

  // Requests no route answers, and one with a path full of secrets.
  await owner.get('/api/no/such/route');
  await rg.app.request(`/no/such/page/${PASSWORDS[OPS]}`);
}, 60_000);

afterAll(async () => {
  await world?.stop();
  await Promise.all([imap?.stop(), smtp?.stop(), notify?.stop()]);
});

it('the scrape shows the story: mailboxes by state, checks by verdict and reason, the held email, the share link, alert emails', async () => {
  const m = await scrape();
  expect(m.value('regrant_mailboxes', { state: 'connected', provider: 'custom' })).toBe(1);
  expect(m.value('regrant_mailboxes', { state: 'needs_reauth', provider: 'custom' })).toBe(1);
  expect(m.value('regrant_mailboxes', { state: 'connected', provider: 'google' })).toBe(1);
  expect(m.value('regrant_mailboxes', { state: 'needs_reauth', provider: 'google' })).toBe(0);
  expect(m.value('regrant_mailboxes', { state: 'unreachable', provider: 'microsoft' })).toBe(0);

  expect(m.value('regrant_checks_total', { verdict: 'ok', reason: 'none' })).toBe(2);
  expect(m.value('regrant_checks_total', { verdict: 'needs_reauth', reason: 'smtp_auth_failed' })).toBe(1);
  expect(m.value('regrant_checks_total', { verdict: 'needs_reauth', reason: 'grant_revoked' })).toBe(1);
  expect(m.value('regrant_checks_total', { verdict: 'transient', reason: 'timeout' })).toBe(0);
  expect(m.value('regrant_check_duration_seconds_count', { provider: 'custom' })).toBe(3);
  expect(m.value('regrant_check_duration_seconds_count', { provider: 'google' })).toBe(1);
  expect(m.value('regrant_check_duration_seconds_sum', { provider: 'custom' })).toBeGreaterThan(0);
  expect(m.value('regrant_checks_overdue')).toBe(0);

  expect(m.value('regrant_outbox_emails', { mailbox_state: 'needs_reauth' })).toBe(1);
  expect(m.value('regrant_outbox_emails', { mailbox_state: 'connected' })).toBe(0);
  expect(m.value('regrant_outbox_oldest_age_seconds', { mailbox_state: 'needs_reauth' })).toBeGreaterThan(0);
  expect(m.value('regrant_outbox_oldest_age_seconds', { mailbox_state: 'connected' })).toBe(0);

  expect(m.value('regrant_share_links_created_total')).toBe(1);
  expect(m.value('regrant_share_links_used_total')).toBe(1);

  const sent = await rg.db.selectFrom('mail_queue').select('id').where('kind', '=', 'alert').where('state', '=', 'sent').execute();
  expect(sent.length).toBeGreaterThanOrEqual(3); // two incidents and a reconnection, to several people
  expect(m.value('regrant_alert_emails_total', { kind: 'alert', outcome: 'sent' })).toBe(sent.length);
  expect(m.value('regrant_alert_emails_total', { kind: 'alert', outcome: 'failed' })).toBe(0);
  expect(m.value('regrant_alert_emails_waiting', { kind: 'alert' })).toBe(0);
  expect(m.value('regrant_alert_emails_failing', { kind: 'alert' })).toBe(0);

  expect(m.value('regrant_http_requests_total', { method: 'POST', route: '/api/accounts/:id/check', status: '200' })).toBe(4);
  expect(m.value('regrant_http_requests_total', { method: 'POST', route: '/r/:token', status: '303' })).toBe(1);
  expect(m.value('regrant_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
  expect(m.value('regrant_http_request_duration_seconds_count', { method: 'POST', route: '/api/messages' })).toBe(1);
  expect(m.value('regrant_build_info', { version: '0.1.0' })).toBe(1);
  // prom-client's process and Node series come along.
  expect(m.types.get('process_cpu_user_seconds_total')).toBe('counter');
  expect(m.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
});

it('no label value holds an address, a host, a token or a raw path', async () => {
  const m = await scrape();
  const routes = new Set(rg.app.routes.map((r) => r.path));
  const values = m.samples.flatMap((s) => Object.values(s.labels));
  expect(values.length).toBeGreaterThan(100);
  for (const value of values) {
    expect(value).not.toMatch(/@|127\.0\.0\.1|localhost|acme\.test|gmail\.test|example\.test|\.test\b/);
    expect(value).not.toMatch(/_[A-Za-z0-9_-]{32,}/); // tokens
    expect(value).not.toMatch(/\b[a-z]{2,5}_(?=[a-z0-9]*\d)[a-z0-9]{17,}\b/); // ids such as acc_0lq3x1abc0000deadbeef
    for (const secret of planted) expect(value).not.toContain(secret);
    // A value that looks like a path is one of the app's route patterns.
    if (value.startsWith('/')) expect(routes.has(value), value).toBe(true);
  }
});

it('the same series, not only as many, for 10 and for 1,000 mailboxes', async () => {
  const seriesFor = async (count: number) => {
    const one = await startRegrant({ METRICS_TOKEN: TOKEN });
    try {
      const user = await one.users.add({ email: 'admin@fleet.test', role: 'admin' });
      const states = ['new', 'connected', 'needs_reauth', 'unreachable'] as const;
      const providers = ['custom', 'google', 'microsoft'] as const;
      const now = new Date().toISOString();
      const rows: NewAccountRow[] = Array.from({ length: count }, (_, i) => ({
        ...newAccountRow({ id: newId('acc'), email: `seat${i}@fleet${i % 7}.test`, ownerId: user.user.id, provider: providers[i % 3], now }),
        state: states[i % 4],
      }));
      for (let i = 0; i < rows.length; i += 200) await one.db.insertInto('accounts').values(rows.slice(i, i + 200)).execute();
      const m = await scrape(one);
      expect(m.samples.filter((s) => s.name === 'regrant_mailboxes').reduce((n, s) => n + s.value, 0)).toBe(count);
      return m.series().filter((s) => s.startsWith('regrant_')).sort();
    } finally {
      await one.destroy();
    }
  };
  const ten = await seriesFor(10);
  const thousand = await seriesFor(1000);
  expect(ten.length).toBeGreaterThan(50);
  expect(thousand).toEqual(ten);
}, 60_000);

it('a missing or wrong metrics token answers 401 on the main port and on METRICS_PORT', async () => {
  const ask = (port: number, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}/metrics`, { headers });
  const expectRefusals = async (port: number) => {
    const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${btoa(`x:${TOKEN}`)}` }, { authorization: TOKEN }];
    for (const headers of refused) {
      const res = await ask(port, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.text()).not.toContain('regrant_');
    }
    const ok = await ask(port, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('regrant_mailboxes');
  };

  const onMain = await startRegrant({ METRICS_TOKEN: TOKEN, PORT: '0' });
  const mainListening = await startListeners(onMain);
  try {
    expect(mainListening.metricsPort).toBeNull();
    await expectRefusals(mainListening.port);
  } finally {
    await mainListening.close();
    await onMain.destroy();
  }

  const apart = await startRegrant({ METRICS_TOKEN: TOKEN, PORT: '0', METRICS_PORT: String(await freePort()) });
  const apartListening = await startListeners(apart);
  try {
    await expectRefusals(apartListening.metricsPort!);
    // Not on the main port then; and nothing else on the metrics port.
    expect((await ask(apartListening.port, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${apartListening.metricsPort}/api/status`)).status).toBe(404);
  } finally {
    await apartListening.close();
    await apart.destroy();
  }

  // Without METRICS_TOKEN there is no /metrics at all.
  const none = await startRegrant({});
  try {
    expect((await none.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  } finally {
    await none.destroy();
  }
});

it('the logs of the whole story are JSON lines without any of its secrets', async () => {
  await eventually(() => logLines.some((l) => l.includes('"alert.sent"')));
  expect(logLines.length).toBeGreaterThan(20);
  const events = logLines.map((l) => JSON.parse(l) as { event: string; level: string });
  expect(events.every((e) => typeof e.event === 'string' && typeof e.level === 'string')).toBe(true);
  const requests = events.filter((e) => e.event === 'http.request') as unknown as Array<{ route: string; status: number; method: string; ms: number; requestId: string }>;
  expect(requests.find((r) => r.route === '/r/:token' && r.method === 'POST')).toMatchObject({ status: 303 });
  expect(requests.filter((r) => r.route === 'unmatched')).toHaveLength(2);
  const text = logLines.join('\n');
  expect(planted).toHaveLength(7);
  for (const secret of planted) expect(text).not.toContain(secret);
});
