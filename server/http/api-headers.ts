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
  for (const name in API_HEADERS) c.res.headers.set(name, API_HEADERS[name]);
});

/** The same headers as a plain object, for an answer built without Hono's context (the status poll's 304). */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
