/**
 * The extension's poll with the ETag it holds is answered 304 in front of the app (server/http/
 * status-poll.ts), over HTTP before node-server builds a Request and in `app.fetch` alike. It
 * does everything the app's 304 did: the token is checked (a revoked one is refused on the next
 * poll), the answer carries the route's ETag and the API's headers and is counted in the
 * metrics; only its log line moves to debug. Whatever it cannot answer, the app does.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { LIMITS } from '../../server/http/abuse-limits.ts';
import { createHttpServer, HTTP_LIMITS, listen } from '../../server/http/serve.ts';
import { nodeFront } from '../../server/http/status-poll.ts';
import { createLogger, type LogLevel } from '../../server/log/index.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let level: LogLevel = 'info';
const lines: Array<Record<string, unknown>> = [];
let rg: TestRegrant;
let ann: Client;
let server: Server;
let base: string;

beforeAll(async () => {
  // The logger's level is read per line: `level` switches it between info and debug.
  const sink = (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>);
  const loggers = { info: createLogger(sink, { level: 'info' }), debug: createLogger(sink, { level: 'debug' }) };
  const logger = {
    debug: (e: string, f?: Record<string, unknown>) => loggers[level === 'debug' ? 'debug' : 'info'].debug?.(e, f),
    info: (e: string, f?: Record<string, unknown>) => loggers.info.info(e, f),
    warn: (e: string, f?: Record<string, unknown>) => loggers.info.warn(e, f),
    error: (e: string, f?: Record<string, unknown>) => loggers.info.error(e, f),
  };
  rg = await startRegrant({ METRICS_TOKEN }, { logger });
  ann = await rg.user('ann@acme.test', 'admin');
  server = createHttpServer(rg.app.fetch, HTTP_LIMITS, nodeFront(rg.app.statusPoll));
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rg?.destroy();
});

const poll = (token: string, headers: Record<string, string> = {}) => fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}`, ...headers } });

/** The current ETag, and the lookup kept: the first answers write (last use noted), then it holds. */
async function settledEtag(): Promise<string> {
  const etag = (await ann.get('/api/status')).headers.get('etag')!;
  for (let i = 0; i < 3; i++) expect((await poll(ann.token, { 'if-none-match': etag })).status).toBe(304);
  return etag;
}

async function polls304(): Promise<number> {
  const text = await (await rg.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith('regrant_http_requests_total{') && l.includes('route="/api/status"') && l.includes('status="304"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

it('a poll with the current ETag is a 304 with the route’s ETag and the API’s headers, over HTTP and in the app alike', async () => {
  const etag = await settledEtag();
  const over = await poll(ann.token, { 'if-none-match': `W/"other", ${etag}`, origin: EXTENSION, 'x-request-id': 'poll-1' });
  const inApp = await ann.get('/api/status', { 'if-none-match': etag, origin: EXTENSION, 'x-request-id': 'poll-2' });
  for (const [res, id] of [[over, 'poll-1'], [inApp, 'poll-2']] as const) {
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag,X-Request-Id,Content-Disposition,Retry-After');
    expect(res.headers.get('x-request-id')).toBe(id);
  }
  // A page that is not the extension's gets no CORS grant, and a fresh request id.
  const stranger = await poll(ann.token, { 'if-none-match': etag, origin: 'https://evil.test' });
  expect(stranger.status).toBe(304);
  expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  expect(stranger.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

it('every 304 is counted in the HTTP metrics; its log line is written at debug, not at info', async () => {
  const etag = await settledEtag();
  const before = await polls304();
  lines.length = 0;
  for (let i = 0; i < 3; i++) expect((await poll(ann.token, { 'if-none-match': etag })).status).toBe(304);
  expect(await polls304()).toBe(before + 3);
  const pollLines = () => lines.filter((l) => l.event === 'http.request' && l.route === '/api/status');
  expect(pollLines()).toEqual([]);
  level = 'debug';
  try {
    expect((await poll(ann.token, { 'if-none-match': etag, 'x-request-id': 'seen-at-debug' })).status).toBe(304);
  } finally {
    level = 'info';
  }
  expect(pollLines()).toEqual([expect.objectContaining({ level: 'debug', requestId: 'seen-at-debug', method: 'GET', route: '/api/status', status: 304 })]);
});

it('a stale ETag gets the list, and a change anyone sees moves the ETag of the next poll', async () => {
  const etag = await settledEtag();
  const stale = await poll(ann.token, { 'if-none-match': '"s0-nothing"' });
  expect(stale.status).toBe(200);
  expect(((await stale.json()) as { counts: { total: number } }).counts.total).toBeGreaterThanOrEqual(0);
  await ann.post('/api/accounts', { email: 'new@acme.test', smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: 'u', password: 'p' }, imap: { host: '127.0.0.1', port: 1143, security: 'none', username: 'u', password: 'p' } });
  const after = await poll(ann.token, { 'if-none-match': etag });
  expect(after.status).toBe(200);
  expect(after.headers.get('etag')).not.toBe(etag);
});

it('a token revoked while its lookup is kept is refused on the very next poll', async () => {
  const { id, token } = await rg.users.createToken('ann@acme.test');
  const etag = (await poll(token)).headers.get('etag')!;
  for (let i = 0; i < 3; i++) expect((await poll(token, { 'if-none-match': etag })).status).toBe(304);
  await rg.users.revokeToken(id);
  expect((await poll(token, { 'if-none-match': etag })).status).toBe(401);
});

it('polls with an unknown token go to the app: 401, then the abuse limit answers 429', async () => {
  const etag = await settledEtag();
  const unknown = 'rg_' + 'x'.repeat(43);
  const statuses: number[] = [];
  for (let i = 0; i <= LIMITS.unknownToken.limit; i++) statuses.push((await poll(unknown, { 'if-none-match': etag })).status);
  // The revoked token above counted once already against this address.
  const refused = statuses.indexOf(429);
  expect(refused).toBe(LIMITS.unknownToken.limit - 1);
  expect(statuses.slice(0, refused).every((s) => s === 401) && statuses.slice(refused).every((s) => s === 429)).toBe(true);
  // Someone with a good token is not slowed down.
  expect((await poll(ann.token, { 'if-none-match': etag })).status).toBe(304);
});
