/**
 * Every request, seen once from the outside: a request id (the client's `X-Request-Id` when it
 * is at most 64 characters of `[A-Za-z0-9._-]`, else a new one) carried into every log line
 * written while it is handled and returned in the answer; then one log line (method, route
 * pattern, status, time; a 304 at debug) and the HTTP metrics. The route is Hono's pattern, never the path:
 * paths of pages carry share-link and start tokens.
 *
 * @example
 *   app.use('*', observeRequests({ logger, metrics }));
 *   app.notFound((c) => { markUnmatched(c); return c.json(…, 404); });
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { inRequest, type Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The client's request id when it is harmless in a log line and a header, else a new one. */
export function requestIdOf(header: string | undefined): string {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

const unmatched = new WeakSet<Request>();

/** Says that no route matched this request: it is counted under one label, whatever its path. */
export function markUnmatched(c: Context): void {
  unmatched.add(c.req.raw);
}

export function observeRequests({ logger, metrics }: { logger: Logger; metrics?: Pick<Metrics, 'httpRequest'> }) {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header('x-request-id'));
    await inRequest(requestId, () => next());
    c.header('X-Request-Id', requestId);
    const route = unmatched.has(c.req.raw) ? null : c.req.routePath;
    const seconds = (performance.now() - started) / 1000;
    metrics?.httpRequest(c.req.method, route, c.res.status, seconds);
    const fields = { method: c.req.method, route: route ?? 'unmatched', status: c.res.status, ms: Math.round(seconds * 10_000) / 10 };
    // A 304 says "nothing changed" to a poll: at info, one line per client every few seconds would drown the rest.
    inRequest(requestId, () => (fields.status === 304 ? logger.debug?.('http.request', fields) : logger.info('http.request', fields)));
  });
}
