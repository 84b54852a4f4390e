/**
 * Two imports of the same new mailboxes at once (two tabs, two admins): each mailbox is
 * created exactly once, with one event; the other import says it already exists. The rows are
 * written in batches; a batch spoiled by one row falls back to one row at a time. (The sign-in
 * test is left out here: other tests cover it on real servers.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

const ROWS = 300;
let rg: TestRegrant;
let ann: Client;
let bob: Client;

beforeAll(async () => {
  rg = await startRegrant({}, { imports: { probe: async () => null } });
  ann = await rg.user('ann@acme.test', 'admin');
  bob = await rg.user('bob@acme.test', 'admin');
});
afterAll(async () => {
  await rg?.destroy();
});

it('the same 300 new mailboxes imported twice at once are each created once', async () => {
  const file = ['email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port', ...Array.from({ length: ROWS }, (_, i) => `m${i}@acme.test,mail.acme.test,587,m${i},pw,mail.acme.test,993`)].join('\n');
  const ups = await Promise.all([ann, bob].map(async (c) => (await (await c.request('POST', '/api/imports', file, { 'content-type': 'text/csv' })).json()) as ImportUpload));
  const runs = await Promise.all([ann, bob].map((c, k) => c.post(`/api/imports/${ups[k].id}/run`, { mapping: ups[k].suggestedMapping })));
  expect(runs.map((r) => r.status)).toEqual([202, 202]);
  await rg.imports.settled();
  const views = await Promise.all([ann, bob].map(async (c, k) => (await (await c.get(`/api/imports/${ups[k].id}`)).json()) as ImportView));

  for (let line = 2; line < ROWS + 2; line++) {
    const outcomes = views.map((v) => v.rows.find((r) => r.line === line)!);
    expect(outcomes.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(outcomes.filter((r) => r.status !== 'created').map((r) => r.error?.code)).toEqual(['account_exists']);
  }
  const accounts = await rg.db.selectFrom('accounts').select(['id', 'state']).execute();
  expect(accounts).toHaveLength(ROWS);
  expect(accounts.every((a) => a.state === 'connected')).toBe(true);
  const events = await rg.db.selectFrom('account_events').select('account_id').execute();
  expect(new Set(events.map((e) => e.account_id)).size).toBe(ROWS);
  expect(events).toHaveLength(ROWS);
});
