/**
 * "Check now" during an outage says what happened (issue 16): the three-strikes rule stays,
 * but each answer names the servers that could not be reached and why (SMTP and IMAP both),
 * what the mailbox still counts as and when Regrant looks again; the history keeps it, apart
 * from the state changes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountEvent, AccountView, StatusResponse } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const ANN = 'ann@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let id: string;

beforeAll(async () => {
  imap = await startDovecot({ [ANN]: 'pw' });
  smtp = await startSmtp({ [ANN]: 'pw' });
  rg = await startRegrant();
  admin = await rg.user('admin@acme.test', 'admin');
  id = ((await (await admin.post('/api/accounts', customMailbox(ANN, smtp, imap, 'pw'))).json()) as AccountView).id;
  expect((await check()).state).toBe('connected');
  // The outage: both servers go away, their ports refuse connections.
  await Promise.all([smtp.stop(), imap.stop()]);
});
afterAll(() => rg?.destroy());

async function check(): Promise<AccountView> {
  const res = await admin.post(`/api/accounts/${id}/check`);
  expect(res.status).toBe(200);
  return (await res.json()) as AccountView;
}
const history = async (query = '') => ((await (await admin.get(`/api/accounts/${id}/events${query}`)).json()) as { events: AccountEvent[] }).events;
const REFUSED_BOTH = `the SMTP server 127.0.0.1 (connection refused) or the IMAP server 127.0.0.1 (connection refused) just now`;

it('a manual check while both servers refuse says so in words, and the mailbox still counts as connected', async () => {
  const etag = (await admin.get('/api/status')).headers.get('etag');
  const before = Date.now();
  const view = await check();
  expect(view.state).toBe('connected');
  expect(view.reason).toBeNull();
  expect(view.trouble).toMatchObject({ tries: 1, of: 3, nextCheckAt: view.nextCheckAt });
  expect(view.trouble!.message).toBe(`Could not reach ${REFUSED_BOTH}; still counted as connected; next try in 30 s.`);
  expect(Date.parse(view.trouble!.at)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(view.nextCheckAt!) - Date.parse(view.trouble!.at)).toBe(30_000);
  // The badge's poll sees it too, as a change.
  const status = await admin.get('/api/status');
  expect(status.headers.get('etag')).not.toBe(etag);
  expect(((await status.json()) as StatusResponse).accounts[0].trouble).toEqual(view.trouble);
});

it('the history keeps every such check, both servers named, apart from the state changes', async () => {
  const [trouble] = await history('?include=trouble');
  expect(trouble).toMatchObject({ kind: 'trouble', from: 'connected', to: 'connected', reason: { code: 'connection_refused' } });
  expect(trouble.reason!.message).toContain(REFUSED_BOTH);
  expect(trouble.detail).toMatch(/^smtp: .*ECONNREFUSED/m);
  expect(trouble.detail).toMatch(/^imap: .*ECONNREFUSED/m);
  // The plain history is the state changes, as before.
  expect((await history()).map((e) => `${e.kind} ${e.from}->${e.to}`)).toEqual(['state new->connected']);
});

it('the second strike says so; the third turns the mailbox unreachable, with both failures on record', async () => {
  const second = await check();
  expect(second.state).toBe('connected');
  expect(second.trouble).toMatchObject({ tries: 2, of: 3 });
  expect(second.trouble!.message).toMatch(/still counted as connected; next try in 60 s\.$/);

  const third = await check();
  expect(third.state).toBe('unreachable');
  expect(third.reason?.code).toBe('connection_refused');
  expect(third.trouble).toBeNull(); // the state and its reason say it now
  const [change] = await history();
  expect(change).toMatchObject({ kind: 'state', from: 'connected', to: 'unreachable' });
  expect(change.detail).toMatch(/^smtp: .*ECONNREFUSED.*\nimap: .*ECONNREFUSED/);
  expect((await history('?include=trouble')).filter((e) => e.kind === 'trouble')).toHaveLength(2);
});

it('a manual check of an unreachable mailbox still answers in words, without counting tries', async () => {
  const view = await check();
  expect(view.state).toBe('unreachable');
  expect(view.trouble).toMatchObject({ tries: 4, of: null });
  expect(view.trouble!.message).toMatch(new RegExp(`^Could not reach ${REFUSED_BOTH.replace(/[()]/g, '\\$&')}; still unreachable; next try in (4|5|6) min\\.$`));
});

it('a scheduled check counts its strikes the same way, and says so on a mailbox never checked yet', async () => {
  const bob = ((await (await admin.post('/api/accounts', customMailbox('bob@acme.test', { port: await freePort() }, { port: await freePort() }, 'pw'))).json()) as AccountView).id;
  await rg.db.updateTable('accounts').set({ next_check_at: null }).where('id', '<>', bob).execute(); // only bob is due
  const claimed = await rg.health.claimDue(10);
  expect(claimed.map((r) => r.id)).toEqual([bob]);
  const after = await rg.health.runClaimed(claimed[0]);
  expect(after?.state).toBe('new');
  const view = (await (await admin.get(`/api/accounts/${bob}`)).json()) as AccountView;
  expect(view.trouble).toMatchObject({ tries: 1, of: 3 });
  expect(view.trouble!.message).toMatch(/^Could not reach the SMTP server 127\.0\.0\.1 \(connection refused\) or the IMAP server 127\.0\.0\.1 \(connection refused\) just now; not counted as unreachable yet; next try in 30 s\.$/);
  const events = ((await (await admin.get(`/api/accounts/${bob}/events?include=trouble`)).json()) as { events: AccountEvent[] }).events;
  expect(events.map((e) => e.kind)).toEqual(['trouble']);
});
