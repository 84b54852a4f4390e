/**
 * CORS for the extension's pages. Hono's `cors()` sets its headers on `c.res` before the route
 * runs, which makes Hono copy every answer into a new Response afterwards; for the 2 MB list
 * of /api/status that meant encoding it to bytes again. These headers are set the way a route
 * sets its own (`c.header`), so the route's answer goes out as it is.
 *
 * @example
 *   app.use('/api/*', extensionCors({ origin: /^chrome-extension:\/\//, allowHeaders: ['Authorization'], … }));
 */
import { createMiddleware } from 'hono/factory';

export interface CorsOptions {
  origin: RegExp;
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * The CORS headers of an answer (not a preflight) to a request from `origin`, as a plain
 * object: for an answer built without Hono's context (the status poll's 304).
 *
 * @example corsHeaders(options)('chrome-extension://abc') // { Vary: 'Origin', 'Access-Control-Allow-Origin': …, … }
 */
export function corsHeaders(options: CorsOptions): (origin: string | undefined) => Record<string, string> {
  const exposeHeaders = options.exposeHeaders.join(',');
  // The answer depends on the Origin header: caches must not give one origin's to another.
  const refused = Object.freeze({ Vary: 'Origin' });
  return (origin) =>
    origin !== undefined && options.origin.test(origin)
      ? { Vary: 'Origin', 'Access-Control-Allow-Origin': origin, ...(exposeHeaders ? { 'Access-Control-Expose-Headers': exposeHeaders } : {}) }
      : refused;
}

export function extensionCors(options: CorsOptions) {
  const allowHeaders = options.allowHeaders.join(',');
  const allowMethods = options.allowMethods.join(',');
  const maxAge = String(options.maxAgeSeconds);
  const headersFor = corsHeaders(options);
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Vary', 'Origin');
      if (origin === undefined || !options.origin.test(origin)) return c.body(null, 204);
      c.header('Access-Control-Allow-Origin', origin);
      return c.body(null, 204, {
        'Access-Control-Allow-Methods': allowMethods,
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': maxAge,
      });
    }
    const headers = headersFor(origin);
    for (const name in headers) c.header(name, headers[name]);
    await next();
  });
}
