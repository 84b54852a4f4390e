/**
 * The share-link pages' rate limit: per client address, IPv6 grouped by /64, bounded memory.
 */
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { clientKey, rateLimit } from '../../server/http/rate-limit.ts';

const env = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

function limited(limit: number, now: () => number) {
  const app = new Hono();
  app.use(rateLimit({ limit, windowMs: 60_000, onLimited: (c) => c.text('slow down', 429), now }));
  app.get('/', (c) => c.text(clientKey(c)));
  return app;
}

it('counts per address and lets a new window in after a minute', async () => {
  let t = 0;
  const app = limited(2, () => t);
  const status = async (address: string) => (await app.request('/', {}, env(address))).status;
  expect([await status('198.51.100.7'), await status('198.51.100.7'), await status('198.51.100.7')]).toEqual([200, 200, 429]);
  expect(await status('198.51.100.8')).toBe(200);
  t = 60_000;
  expect(await status('198.51.100.7')).toBe(200);
});

it('groups IPv6 addresses by /64, so rotating inside one network does not get around it', async () => {
  const app = limited(1, () => 0);
  expect(await (await app.request('/', {}, env('2001:db8:1:2:aaaa::1'))).text()).toBe('2001:db8:1:2::/64');
  expect((await app.request('/', {}, env('2001:db8:1:2:bbbb::2'))).status).toBe(429);
  expect((await app.request('/', {}, env('2001:db8:1:3::1'))).status).toBe(200);
  expect(await (await app.request('/', {}, env('::ffff:192.0.2.1'))).text()).toBe('::ffff:192.0.2.1');
  // "::" inside the first 64 bits: both spellings of one /64 share a key, others do not.
  const roomy = limited(100, () => 0);
  const key = async (a: string) => (await roomy.request('/', {}, env(a))).text();
  expect(await key('2001::5:a:b:c:d')).toBe('2001:0:0:5::/64');
  expect(await key('2001:0:0:5::1')).toBe('2001:0:0:5::/64');
  expect(await key('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(await key('::1')).toBe('0:0:0:0::/64');
});

it('keeps at most 10,000 windows however many addresses knock', async () => {
  const app = limited(1, () => 0);
  for (let i = 0; i < 10_050; i++) await app.request('/', {}, env(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  // The oldest windows were dropped, so the first address is let in again; a recent one is not.
  expect((await app.request('/', {}, env('10.0.0.0'))).status).toBe(200);
  expect((await app.request('/', {}, env(`10.0.${(10_049 >> 8) & 255}.${10_049 & 255}`))).status).toBe(429);
});
