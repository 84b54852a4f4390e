/**
 * The extension's poll, `GET /api/status` with the ETag it already holds, answered `304` in
 * front of the app's routing when all it needs is known without waiting. Every extension polls
 * all day and nearly every poll is this one; what it skips is only machinery (routing, the
 * middleware chain, Hono's header objects, promises), never a check:
 *
 * - the token: `users.keptHolder`, the same kept lookup `byToken` uses, valid only while the
 *   database's change clock has not moved (read here, for this request), so a token revoked
 *   by anyone, the CLI included, is refused on the very next request;
 * - the ETag: the route's own (`currentStatusEtag`), `serverDegraded` included;
 * - the answer's headers: those the route and the API middleware give a 304 (ETag,
 *   Cache-Control, Vary, CORS, nosniff, X-Request-Id);
 * - the HTTP metrics count it (`regrant_http_requests_total{route="/api/status",status="304"}`).
 *
 * Anything else goes to the app, which answers as before: no or unknown token (401, and the
 * abuse limit), a lookup or `serverDegraded` not known yet, a stale ETag, another method.
 * Its log line is at `debug`: at `info`, one line per extension every few seconds would drown
 * what an operator reads; the metric counts them.
 *
 * @example
 *   const poll = statusPoll({ users, degradedNow, cors, logger, metrics });
 *   poll(request) ?? app.fetch(request); // a 304, or undefined: the app answers
 */
import type { Users } from '../auth/index.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { API_HEADERS } from './api-headers.ts';
import { bearerToken } from './auth.ts';
import { corsHeaders, type CorsOptions } from './cors.ts';
import { requestIdOf } from './observe.ts';
import { currentStatusEtag, etagMatches } from './routes/status.ts';

export interface StatusPollDeps {
  users: Pick<Users, 'keptHolder'>;
  /** `serverDegraded` when known without waiting (it is part of the ETag); undefined: the app asks. */
  degradedNow?: () => boolean | undefined;
  cors: CorsOptions;
  logger: Logger;
  metrics?: Pick<Metrics, 'httpRequest'>;
}

const ROUTE = '/api/status';

/** The path of a request's URL, without its query. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const query = url.indexOf('?', start);
  return start === -1 ? '/' : url.slice(start, query === -1 ? undefined : query);
}

export function statusPoll({ users, degradedNow = () => false, cors, logger, metrics }: StatusPollDeps): (request: Request) => Response | undefined {
  const corsFor = corsHeaders(cors);
  return (request) => {
    if (request.method !== 'GET') return undefined;
    const asked = request.headers.get('if-none-match');
    if (asked === null || pathOf(request.url) !== ROUTE) return undefined;
    const started = performance.now();
    const token = bearerToken(request.headers.get('authorization') ?? undefined);
    const user = token === null ? undefined : users.keptHolder(token);
    const degraded = user && degradedNow();
    if (!user || degraded === undefined) return undefined;
    const etag = currentStatusEtag(user, degraded);
    if (!etagMatches(asked, etag)) return undefined;
    const requestId = requestIdOf(request.headers.get('x-request-id') ?? undefined);
    const headers = { ...corsFor(request.headers.get('origin') ?? undefined), ...API_HEADERS, ETag: etag, 'X-Request-Id': requestId };
    const seconds = (performance.now() - started) / 1000;
    metrics?.httpRequest('GET', ROUTE, 304, seconds);
    logger.debug?.('http.request', { requestId, method: 'GET', route: ROUTE, status: 304, ms: Math.round(seconds * 10_000) / 10 });
    return new Response(null, { status: 304, headers });
  };
}
