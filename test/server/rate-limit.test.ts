/**
 * Abuse limits on everything a stranger can reach: share-link pages, the OAuth pages, API
 * calls with an unknown token, uploads. Each answers 429 with Retry-After past its limit,
 * counts one client only, and holds across server processes sharing the database.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../support/database.ts';
import { LIMITS } from '../../server/http/abuse-limits.ts';
import { limitRate } from '../../server/http/rate-limit.ts';
import { silentLogger } from '../../server/log/index.ts';
import { createRegrant } from '../../server/regrant.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

/** The Node bindings of a request from `address`, as @hono/node-server passes them. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

let rg: TestRegrant;
let ann: Client;

beforeAll(async () => {
  rg = await startRegrant();
  ann = await rg.user('ann@acme.test', 'admin');
});
afterAll(() => rg.destroy());

const get = (path: string, address: string, headers: Record<string, string> = {}) => rg.app.request(path, { headers }, from(address));
const post = (path: string, address: string) => rg.app.request(path, { method: 'POST', body: new URLSearchParams() }, from(address));

it('limitRate counts per address in the database and lets a new window in once it has ended', async () => {
  const db = await openTestDatabase();
  let t = Date.parse('2026-03-01T10:00:00Z');
  const app = new Hono()
    .use(limitRate({ db, name: 't', limit: 2, windowMs: 60_000, now: () => t, onLimited: (c) => c.text('slow down', 429) }))
    .get('/', (c) => c.text('ok'));
  const status = async (address: string) => (await app.request('/', {}, from(address))).status;
  expect([await status('198.51.100.7'), await status('198.51.100.7'), await status('::ffff:198.51.100.7')]).toEqual([200, 200, 429]);
  t += 45_000;
  const limited = await app.request('/', {}, from('198.51.100.7'));
  expect(limited.headers.get('retry-after')).toBe('15');
  expect(await status('198.51.100.8')).toBe(200);
  expect(await status('2001:db8:1:2::1')).toBe(200);
  expect(await status('2001:db8:1:2:ffff::9')).toBe(200);
  expect(await status('2001:db8:1:2:abcd::3')).toBe(429); // the same /64
  t += 15_000;
  expect(await status('198.51.100.7')).toBe(200);
  await db.destroy();
});

describe('share-link pages', () => {
  it(`past ${LIMITS.shareAddress.limit} requests a minute from one address (GET and POST): a 429 page; other addresses go on`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.shareAddress.limit; i++) statuses.push((await (i % 2 ? post : get)(`/r/r_guess${i}`, '203.0.113.1')).status);
    expect(statuses.every((s) => s === 410 || s === 404)).toBe(true);
    const limited = await post('/r/r_guess', '203.0.113.1');
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Too many requests/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get('/r/r_guess', '203.0.113.2')).status).not.toBe(429);
  });

  it(`one link gets at most ${LIMITS.shareLink.limit} requests a minute from all addresses together; the database keeps only its hash`, async () => {
    const token = `r_${'k'.repeat(43)}`;
    for (let i = 0; i < LIMITS.shareLink.limit; i++) expect((await get(`/r/${token}`, `198.51.100.${i}`)).status).not.toBe(429);
    const limited = await get(`/r/${token}`, '198.51.100.200');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(`/r/r_${'j'.repeat(43)}`, '198.51.100.201')).status).not.toBe(429);
    const keys = (await rg.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys.some((k) => k.startsWith('share-link:'))).toBe(true);
    expect(keys.some((k) => k.includes(token))).toBe(false);
  });
});

describe('OAuth pages', () => {
  it(`past ${LIMITS.oauthAddress.limit} starts and callbacks a minute from one address: 429; other addresses go on`, async () => {
    for (let i = 0; i < LIMITS.oauthAddress.limit; i++) {
      const path = i % 2 ? `/oauth/google/callback?state=s_guess${i}&code=c` : `/oauth/start/st_guess${i}`;
      expect((await get(path, '192.0.2.50')).status).not.toBe(429);
    }
    const limited = await get('/oauth/microsoft/callback?state=s_guess&code=c', '192.0.2.50');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get('/oauth/google/callback?state=s_guess&code=c', '192.0.2.51')).status).not.toBe(429);
  });
});

describe('API calls with an unknown token', () => {
  it(`past ${LIMITS.unknownToken.limit} unknown tokens from one address: 429 in the API's shape; good tokens are not slowed`, async () => {
    const bad = (i: number) => get('/api/status', '192.0.2.66', { authorization: `Bearer rg_guess${i}` });
    for (let i = 0; i < LIMITS.unknownToken.limit; i++) expect((await bad(i)).status).toBe(401);
    const limited = await bad(999);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(await limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many requests with an unknown or revoked API token/) } });
    expect((await get('/api/status', '192.0.2.67', { authorization: `Bearer ${ann.token}` })).status).toBe(200);
    expect((await get('/api/status', '192.0.2.66', { authorization: `Bearer ${ann.token}` })).status).toBe(200);
    expect((await get('/api/status', '192.0.2.67', { authorization: 'Bearer rg_other' })).status).toBe(401);
  });

  it('the count holds across server processes on one database', async () => {
    const second = await createRegrant(rg.config, { logger: silentLogger });
    try {
      const bad = (app: typeof rg.app, i: number) => app.request('/api/me', { headers: { authorization: `Bearer rg_x${i}` } }, from('192.0.2.77'));
      for (let i = 0; i < LIMITS.unknownToken.limit; i++) expect((await bad(i % 2 ? second.app : rg.app, i)).status).toBe(401);
      expect((await bad(second.app, 1000)).status).toBe(429);
      expect((await bad(rg.app, 1001)).status).toBe(429);
    } finally {
      await second.close();
    }
  });
});

describe('uploads', () => {
  it(`past ${LIMITS.uploads.limit} files in 10 minutes a person gets 429 from any address; another person does not`, async () => {
    const csv = 'email,smtp_host\nx@acme.test,smtp.acme.test\n';
    const upload = (token: string, address: string) =>
      rg.app.request('/api/imports', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv }, from(address));
    const bo = await rg.user('bo@acme.test', 'member');
    for (let i = 0; i < LIMITS.uploads.limit; i++) expect((await upload(bo.token, `10.1.0.${i}`)).status).toBe(201);
    const limited = await upload(bo.token, '10.1.1.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await upload(ann.token, '10.1.0.1')).status).toBe(201);
  });
});
