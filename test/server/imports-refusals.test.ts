/**
 * A file whose password column is wrong must not hammer a mail server with thousands of bad
 * sign-ins (servers ban clients that do): after ten refusals in a row an import stops trying
 * that server, and says so on each row it did not try. Sign-in tests of all imports share the
 * CHECK_CONCURRENCY places.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { REFUSALS_BEFORE_STOP } from '../../server/imports/runner.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const EMAILS = Array.from({ length: 30 }, (_, i) => `desk${i}@acme.test`);
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let ann: Client;
const attempts: string[] = [];

beforeAll(async () => {
  const users = Object.fromEntries(EMAILS.map((e) => [e, `right-${e}`]));
  imap = await startDovecot(users);
  smtp = await startSmtp(users, { beforeAuth: async (user) => void attempts.push(user) });
  rg = await startRegrant({ CHECK_CONCURRENCY: '2' });
  ann = await rg.user('ann@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

it('after ten refused passwords in a row, the rest of the file is not tried on that server', async () => {
  // The "password" column holds the usernames: every sign-in is refused.
  const file = ['email,smtp_host,smtp_port,smtp_security,password,imap_host,imap_port,imap_security', ...EMAILS.map((e) => `${e},127.0.0.1,${smtp.port},none,${e},127.0.0.1,${imap.port},none`)].join('\n');
  const up = (await (await ann.request('POST', '/api/imports', file, { 'content-type': 'text/csv' })).json()) as ImportUpload;
  expect((await ann.post(`/api/imports/${up.id}/run`, { mapping: up.suggestedMapping })).status).toBe(202);
  await rg.imports.settled();
  const view = (await (await ann.get(`/api/imports/${up.id}`)).json()) as ImportView;
  const codes = view.rows.map((r) => r.error?.code);
  expect(codes.filter((c) => c === 'smtp_auth_failed').length).toBeGreaterThanOrEqual(REFUSALS_BEFORE_STOP);
  expect(codes.filter((c) => c === 'smtp_auth_failed').length).toBeLessThanOrEqual(REFUSALS_BEFORE_STOP + 2); // the two in flight
  const untried = view.rows.filter((r) => r.error?.code === 'too_many_refusals');
  expect(untried.length).toBe(EMAILS.length - codes.filter((c) => c === 'smtp_auth_failed').length);
  expect(untried[0].error!.message).toMatch(/^not tried: 127\.0\.0\.1 refused the last 10 sign-ins of this import/);
  expect(attempts.length).toBeLessThanOrEqual(REFUSALS_BEFORE_STOP + 2);
  expect(view.counts.failed).toBe(EMAILS.length);
});

it('two imports at once share the CHECK_CONCURRENCY sign-in places, and each tries its rows in file order', async () => {
  let running = 0;
  let most = 0;
  const tried: string[] = [];
  const probe = async (mailbox: { email: string }) => {
    most = Math.max(most, ++running);
    tried.push(mailbox.email);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return null;
  };
  const other = await startRegrant({ CHECK_CONCURRENCY: '2' }, { imports: { probe } });
  try {
    // Two people: one upload waits to run per person.
    const admins = [await other.user('ann@acme.test', 'admin'), await other.user('bea@acme.test', 'admin')];
    const file = (prefix: string) => ['email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port', ...Array.from({ length: 6 }, (_, i) => `${prefix}${i}@acme.test,mail.acme.test,587,${prefix}${i},pw,mail.acme.test,993`)].join('\n');
    const ups = await Promise.all(['a', 'b'].map(async (p, i) => (await (await admins[i].request('POST', '/api/imports', file(p), { 'content-type': 'text/csv' })).json()) as ImportUpload));
    const runs = await Promise.all(ups.map((up, i) => admins[i].post(`/api/imports/${up.id}/run`, { mapping: up.suggestedMapping })));
    expect(runs.map((r) => r.status)).toEqual([202, 202]);
    await other.imports.settled();
    expect(most).toBe(2);
    expect(tried).toHaveLength(12);
    for (const p of ['a', 'b']) expect(tried.filter((e) => e.startsWith(p))).toEqual(Array.from({ length: 6 }, (_, i) => `${p}${i}@acme.test`));
  } finally {
    await other.destroy();
  }
});
