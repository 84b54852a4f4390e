import { createMiddleware } from 'hono/factory';

/**
 * Headers every `/api/` answer carries, errors included: `nosniff`, so a browser never runs an
 * answer as something else, and `no-store`, so no cache (a shared proxy, the browser's disk)
 * keeps mailboxes, owners or tokens. `no-store` still lets a client send `If-None-Match` from
 * its own memory: the extension's status poll keeps getting 304s.
 *
 * @example app.use('/api/*', apiHeaders);
 */
export const apiHeaders = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('Cache-Control', 'no-store');
});
