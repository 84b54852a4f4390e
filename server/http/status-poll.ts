/**
 * The extension's poll, `GET /api/status` with the ETag it already holds, answered `304` in
 * front of the app when all it needs is known without waiting. Every extension polls all day
 * and nearly every poll is this one; what it skips is only machinery (the Fetch request and
 * response objects, routing, the middleware chain, promises), never a check:
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
 * abuse limit), a lookup or `serverDegraded` not known yet, a stale ETag, another method or path.
 * Its log line is at `debug`: at `info`, one line per extension every few seconds would drown
 * what an operator reads; the metric counts them.
 *
 * @example
 *   const poll = statusPoll({ users, degradedNow, cors, logger, metrics });
 *   answerFetch(poll, request) ?? app.fetch(request);         // in front of the app (tests too)
 *   createHttpServer(app.fetch, limits, nodeFront(poll));     // in front of node-server
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** What the poll reads of a request: its method, its URL (a path, or a whole URL) and its headers. */
export interface PollRequest {
  method: string | undefined;
  url: string;
  header(name: string): string | undefined;
}

/** The headers of the 304 to answer, or undefined: the app answers. */
export type StatusPoll = (request: PollRequest) => Record<string, string> | undefined;

const ROUTE = '/api/status';

/** Whether a URL (a path, or a whole URL) is the route's, whatever its query. */
function isRoute(url: string): boolean {
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1 || !url.startsWith(ROUTE, start)) return false;
  const end = start + ROUTE.length;
  return url.length === end || url[end] === '?';
}

export function statusPoll({ users, degradedNow = () => false, cors, logger, metrics }: StatusPollDeps): StatusPoll {
  const corsFor = corsHeaders(cors);
  return (request) => {
    if (request.method !== 'GET') return undefined;
    const asked = request.header('if-none-match');
    if (asked === undefined || !isRoute(request.url)) return undefined;
    const started = performance.now();
    const token = bearerToken(request.header('authorization'));
    const user = token === null ? undefined : users.keptHolder(token);
    const degraded = user && degradedNow();
    if (!user || degraded === undefined) return undefined;
    const etag = currentStatusEtag(user, degraded);
    if (!etagMatches(asked, etag)) return undefined;
    const requestId = requestIdOf(request.header('x-request-id'));
    const headers = { ...corsFor(request.header('origin')), ...API_HEADERS, ETag: etag, 'X-Request-Id': requestId };
    const seconds = (performance.now() - started) / 1000;
    metrics?.httpRequest('GET', ROUTE, 304, seconds);
    logger.debug?.('http.request', { requestId, method: 'GET', route: ROUTE, status: 304, ms: Math.round(seconds * 10_000) / 10 });
    return headers;
  };
}

/** The poll in front of a fetch handler: the 304, or undefined (then the handler answers). */
export function answerFetch(poll: StatusPoll, request: Request): Response | undefined {
  const headers = poll({ method: request.method, url: request.url, header: (name) => request.headers.get(name) ?? undefined });
  return headers && new Response(null, { status: 304, headers });
}

/** The poll in front of Node's request listener: true when it answered. */
export function nodeFront(poll: StatusPoll): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const headers = poll({ method: req.method, url: req.url ?? '', header: (name) => headerOf(req, name) });
    if (!headers) return false;
    res.writeHead(304, headers).end();
    return true;
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
