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

export function extensionCors(options: CorsOptions) {
  const allowHeaders = options.allowHeaders.join(',');
  const allowMethods = options.allowMethods.join(',');
  const exposeHeaders = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAgeSeconds);
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && options.origin.test(origin);
    // The answer depends on the Origin header: caches must not give one origin's to another.
    c.header('Vary', 'Origin');
    if (allowed) c.header('Access-Control-Allow-Origin', origin);
    if (c.req.method === 'OPTIONS') {
      if (!allowed) return c.body(null, 204);
      return c.body(null, 204, {
        'Access-Control-Allow-Methods': allowMethods,
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': maxAge,
      });
    }
    if (allowed) c.header('Access-Control-Expose-Headers', exposeHeaders);
    await next();
  });
}
