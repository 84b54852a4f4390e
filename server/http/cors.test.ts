import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { extensionCors } from './cors.ts';

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

function app() {
  return new Hono()
    .use('*', extensionCors({ origin: /^chrome-extension:\/\/[a-z]+$/, allowHeaders: ['Authorization', 'If-None-Match'], allowMethods: ['GET', 'POST'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 }))
    .get('/list', (c) => {
      c.header('ETag', '"v1"');
      return c.json({ items: [1, 2, 3] });
    })
    .get('/fail', () => {
      throw new Error('boom');
    })
    .onError((_e, c) => c.json({ error: 'failed' }, 500));
}

describe('extensionCors', () => {
  it('answers a preflight from an extension page with what it may send', async () => {
    const res = await app().request('/list', { method: 'OPTIONS', headers: { origin: EXTENSION, 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': EXTENSION,
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'Authorization,If-None-Match',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it("keeps the route's own headers and body, and exposes the ETag to the extension", async () => {
    const res = await app().request('/list', { headers: { origin: EXTENSION } });
    expect(await res.json()).toEqual({ items: [1, 2, 3] });
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag');
  });

  it('lets an extension page read an error answer too', async () => {
    const res = await app().request('/fail', { headers: { origin: EXTENSION } });
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
  });

  it('grants nothing to a web page or to a request without an origin', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'chrome-extension://x/../evil' }, {}] as Record<string, string>[]) {
      const pre = await app().request('/list', { method: 'OPTIONS', headers: { ...headers, 'access-control-request-method': 'GET' } });
      const res = await app().request('/list', { headers });
      for (const r of [pre, res]) {
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
        expect(r.headers.get('access-control-allow-methods')).toBeNull();
        expect(r.headers.get('access-control-expose-headers')).toBeNull();
      }
      expect(res.status).toBe(200);
    }
  });
});
