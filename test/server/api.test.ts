/**
 * The accounts API as people and extensions use it: who may see what, and what bad input gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, StatusResponse } from '../../shared/api.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let rg: TestRegrant;
let admin: Client;
let mia: Client;
let max: Client;
let miasAccount: AccountView;
/** A real SMTP server that knows the passwords the changes below are tested with. */
let smtp: TestSmtp;

const servers = { port: 2525 };
const body = (email: string) => customMailbox(email, servers, { port: 1143 }, 'pw');

beforeAll(async () => {
  smtp = await startSmtp({ 'mia.sales@acme.test': 'new-pw' });
  servers.port = smtp.port;
  rg = await startRegrant();
  admin = await rg.user('admin@acme.test', 'admin');
  mia = await rg.user('mia@acme.test', 'member');
  max = await rg.user('max@acme.test', 'member');
  miasAccount = (await (await mia.post('/api/accounts', body('mia.sales@acme.test'))).json()) as AccountView;
  await max.post('/api/accounts', body('max.sales@acme.test'));
});
afterAll(async () => {
  await rg?.destroy();
  await smtp?.stop();
});

async function error(res: Response, status: number): Promise<ApiErrorBody['error']> {
  expect(res.status).toBe(status);
  return ((await res.json()) as ApiErrorBody).error;
}

describe('who sees what', () => {
  it('members list only their own mailboxes, admins all of them', async () => {
    const mine = (await (await mia.get('/api/accounts')).json()) as { accounts: AccountView[] };
    expect(mine.accounts.map((a) => a.email)).toEqual(['mia.sales@acme.test']);
    const all = (await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] };
    expect(all.accounts.map((a) => a.email)).toEqual(['max.sales@acme.test', 'mia.sales@acme.test']);
    const status = (await (await max.get('/api/status')).json()) as StatusResponse;
    expect(status.accounts.map((a) => a.email)).toEqual(['max.sales@acme.test']);
    expect(status.counts.total).toBe(1);
  });

  it("another member's mailbox does not exist for you: 404 on read, change, delete, check and events", async () => {
    const id = miasAccount.id;
    for (const res of [
      await max.get(`/api/accounts/${id}`),
      await max.patch(`/api/accounts/${id}`, { name: 'mine now' }),
      await max.del(`/api/accounts/${id}`),
      await max.post(`/api/accounts/${id}/check`),
      await max.get(`/api/accounts/${id}/events`),
    ]) {
      expect((await error(res, 404)).code).toBe('not_found');
    }
    expect((await mia.get(`/api/accounts/${id}`)).status).toBe(200);
    expect((await admin.get(`/api/accounts/${id}`)).status).toBe(200);
  });

  it('a member cannot give a mailbox to someone else; an admin can', async () => {
    const e = await error(await max.post('/api/accounts', { ...body('gift@acme.test'), owner: 'mia@acme.test' }), 403);
    expect(e.field).toBe('owner');
    const created = await admin.post('/api/accounts', { ...body('assigned@acme.test'), owner: 'mia@acme.test' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as AccountView).owner.email).toBe('mia@acme.test');
    const e2 = await error(await admin.post('/api/accounts', { ...body('nobody@acme.test'), owner: 'ghost@acme.test' }), 422);
    expect(e2.message).toContain('ghost@acme.test');
  });

  it('no token, a malformed header, an unknown token and a revoked token all get 401', async () => {
    const bare = await rg.app.request('/api/status');
    expect((await error(bare, 401)).message).toMatch(/Authorization: Bearer/);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await error(await rg.app.request('/api/status', { headers: { authorization: 'Basic abc' } }), 401);
    await error(await rg.client('rg_not-a-real-token').get('/api/status'), 401);

    const { id, token } = await rg.users.createToken('mia@acme.test', 'laptop');
    expect((await rg.client(token).get('/api/status')).status).toBe(200);
    await rg.users.revokeToken(id);
    expect((await error(await rg.client(token).get('/api/status'), 401)).message).toMatch(/revoked/);
  });

  it('health needs no token', async () => {
    const res = await rg.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('bad input gets a precise message and changes nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['a bad email', { ...body('x@acme.test'), email: 'not-an-email' }, 422, 'email'],
    ['a port out of range', { ...body('x@acme.test'), smtp: { ...body('x').smtp, port: 70000 } }, 422, 'smtp.port'],
    ['a port that is not a number', { ...body('x@acme.test'), imap: { ...body('x').imap, port: 'nine' } }, 422, 'imap.port'],
    ['an unknown security', { ...body('x@acme.test'), imap: { ...body('x').imap, security: 'ssh' } }, 422, 'imap.security'],
    ['missing IMAP settings', { email: 'x@acme.test', smtp: body('x').smtp }, 422, 'imap'],
    ['a missing password', { ...body('x@acme.test'), smtp: { ...body('x').smtp, password: undefined } }, 422, 'smtp.password'],
    ['an unknown field', { ...body('x@acme.test'), colour: 'red' }, 422, 'colour'],
  ];
  for (const [what, payload, status, field] of cases) {
    it(`${what}: ${status} naming ${field}`, async () => {
      const e = await error(await admin.post('/api/accounts', payload), status);
      expect(e.code).toBe('invalid_input');
      expect(e.field).toBe(field);
      expect(e.message).toContain(field);
    });
  }

  it('a body that is not JSON: 400', async () => {
    const e = await error(await admin.request('POST', '/api/accounts', '{"email": ', { 'content-type': 'application/json' }), 400);
    expect(e.code).toBe('invalid_json');
  });

  it('an oversized body: 413', async () => {
    const huge = { ...body('big@acme.test'), name: 'x'.repeat(100_000) };
    expect((await error(await admin.post('/api/accounts', huge), 413)).code).toBe('payload_too_large');
  });

  it('a mailbox that is already there: 409', async () => {
    const e = await error(await admin.post('/api/accounts', body('MIA.sales@acme.test')), 409);
    expect(e.code).toBe('account_exists');
    expect(e.message).toContain('mia.sales@acme.test');
  });

  it('an unknown id: 404; an unknown route: 404', async () => {
    expect((await error(await admin.get('/api/accounts/acc_nope'), 404)).code).toBe('not_found');
    expect((await error(await admin.get('/api/nothing-here'), 404)).code).toBe('not_found');
  });

  it('none of the rejected requests wrote anything', async () => {
    const all = (await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] };
    expect(all.accounts.map((a) => a.email)).toEqual(['assigned@acme.test', 'max.sales@acme.test', 'mia.sales@acme.test']);
  });
});

describe('changing and removing', () => {
  const saved = async () => rg.accounts.credentials(await rg.accounts.row({ id: 'x', role: 'admin' }, miasAccount.id));

  it('PATCH merges settings, keeps the saved password where it was, and never returns one', async () => {
    const res = await mia.patch(`/api/accounts/${miasAccount.id}`, { name: 'Mia (sales)', smtp: { password: 'new-pw' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/"password"|new-pw/);
    const view = JSON.parse(text) as AccountView;
    expect(view.name).toBe('Mia (sales)');
    expect(view.smtp).toEqual({ host: '127.0.0.1', port: smtp.port, security: 'none', username: 'mia.sales@acme.test', hasPassword: true });
    expect((await saved()).smtp?.password).toBe('new-pw');
    expect((await saved()).imap?.password).toBe('pw');
  });

  it('PATCH refuses to send the saved password to another server unless it is typed again', async () => {
    const e = await error(await mia.patch(`/api/accounts/${miasAccount.id}`, { smtp: { host: 'collector.evil.test' } }), 422);
    expect(e.field).toBe('smtp.password');
    expect(e.message).toMatch(/enter the password again/);
    expect((await saved()).smtp?.host).toBe('127.0.0.1');
    const moved = await mia.patch(`/api/accounts/${miasAccount.id}`, { smtp: { host: 'LOCALHOST', password: 'new-pw' } });
    expect(moved.status).toBe(200);
    expect((await saved()).smtp).toMatchObject({ host: 'localhost', port: smtp.port, security: 'none', password: 'new-pw' });
  });

  it('PATCH with nothing new writes nothing: same updatedAt, same status ETag; host names in any case are one host', async () => {
    const before = (await (await mia.get(`/api/accounts/${miasAccount.id}`)).json()) as AccountView;
    const etag = (await mia.get('/api/status')).headers.get('etag');
    const same = await mia.patch(`/api/accounts/${miasAccount.id}`, { name: before.name, smtp: { host: before.smtp!.host.toUpperCase() } });
    expect(same.status).toBe(200);
    expect(((await same.json()) as AccountView).updatedAt).toBe(before.updatedAt);
    expect((await mia.get('/api/status', { 'if-none-match': etag! })).status).toBe(304);
    const created = (await (await max.post('/api/accounts', { ...body('caps@acme.test'), smtp: { ...body('caps@acme.test').smtp, host: 'Mail.ACME.test' } })).json()) as AccountView;
    expect(created.smtp?.host).toBe('mail.acme.test');
  });

  it('PATCH with a bad port is refused and changes nothing', async () => {
    await error(await mia.patch(`/api/accounts/${miasAccount.id}`, { imap: { port: 0 } }), 422);
    const view = (await (await mia.get(`/api/accounts/${miasAccount.id}`)).json()) as AccountView;
    expect(view.imap?.port).toBe(1143);
  });

  it('DELETE removes the mailbox from lists and status', async () => {
    const created = (await (await max.post('/api/accounts', body('temp@acme.test'))).json()) as AccountView;
    expect((await max.del(`/api/accounts/${created.id}`)).status).toBe(204);
    expect((await max.get(`/api/accounts/${created.id}`)).status).toBe(404);
    const status = (await (await max.get('/api/status')).json()) as StatusResponse;
    expect(status.accounts.map((a) => a.email)).not.toContain('temp@acme.test');
  });
});

describe('status for polling extensions', () => {
  it('answers 304 to its own ETag and 200 with a new one after a visible change', async () => {
    const first = await mia.get('/api/status');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await mia.get('/api/status', { 'if-none-match': etag })).status).toBe(304);
    expect((await mia.get('/api/status', { 'if-none-match': `W/${etag}` })).status).toBe(304);

    await admin.post('/api/accounts', { ...body('new-for-mia@acme.test'), owner: 'mia@acme.test' });
    const changed = await mia.get('/api/status', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('a 304 costs one indexed token lookup and reads no mailbox', async () => {
    const queries: string[] = [];
    const counted = await startRegrant({}, { onQuery: (q) => queries.push(q) });
    try {
      const owner = await counted.user('o@acme.test', 'admin');
      await owner.post('/api/accounts', body('counted@acme.test'));
      const etag = (await owner.get('/api/status')).headers.get('etag')!;
      queries.length = 0;
      expect((await owner.get('/api/status', { 'if-none-match': etag })).status).toBe(304);
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/from "api_tokens"/);
      expect(queries[0]).not.toMatch(/"accounts"/);
    } finally {
      await counted.destroy();
    }
  });

  it("one member's change does not invalidate another member's ETag", async () => {
    const etag = (await max.get('/api/status')).headers.get('etag')!;
    await mia.patch(`/api/accounts/${miasAccount.id}`, { name: 'renamed' });
    expect((await max.get('/api/status', { 'if-none-match': etag })).status).toBe(304);
  });

  it('answers CORS for extension origins only', async () => {
    for (const origin of ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://0b5e1c1a-3f2e-4c8a-9d51-2f0a8f7b1e22']) {
      const pre = await rg.app.request('/api/status', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,if-none-match' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      const res = await rg.app.request('/api/status', { headers: { origin, authorization: `Bearer ${mia.token}` } });
      expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    }
    const evil = await rg.app.request('/api/status', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
