/**
 * One log line per request with its method, route pattern, status and time; a request id in
 * every line written while it is handled, the client's own when it is harmless, and returned
 * in the answer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../server/log/index.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { freePort } from '../support/ports.ts';

let rg: TestRegrant;
let admin: Client;
const lines: string[] = [];
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  rg = await startRegrant({}, { logger: createLogger((line) => lines.push(line)) });
  admin = await rg.user('admin@acme.test', 'admin');
});
afterAll(() => rg?.destroy());

it('a harmless X-Request-Id is kept, returned, and names every line of its request', async () => {
  const port = await freePort();
  const body = customMailbox('ops@acme.test', { port }, { port }, 'pw-in-body');
  const created = await admin.request('POST', '/api/accounts', body, { 'x-request-id': 'trace-01.ABC_x-y' });
  expect(created.status).toBe(201);
  expect(created.headers.get('x-request-id')).toBe('trace-01.ABC_x-y');
  const { id } = (await created.json()) as { id: string };
  lines.length = 0;
  const checked = await admin.request('POST', `/api/accounts/${id}/check`, undefined, { 'x-request-id': 'check-7' });
  expect(checked.status).toBe(200);
  const mine = logged().filter((l) => l.requestId === 'check-7');
  // The check's own line (refused connections) and the request line, both with the id.
  expect(mine.map((l) => l.event)).toEqual(['check', 'http.request']);
  expect(mine[1]).toMatchObject({ method: 'POST', route: '/api/accounts/:id/check', status: 200 });
  expect(typeof mine[1].ms).toBe('number');
  expect(logged().every((l) => l.requestId === 'check-7')).toBe(true);
});

it.each([
  ['too long', 'a'.repeat(65)],
  ['spaces and quotes', 'abc "def" ghi'],
  ['markup', '<script>alert(1)</script>'],
  ['a path', '../../etc/passwd'],
  ['empty', ''],
])('a hostile X-Request-Id (%s) is replaced by a new one', async (_, hostile) => {
  lines.length = 0;
  const res = await admin.request('GET', '/api/status', undefined, { 'x-request-id': hostile });
  expect(res.status).toBe(200);
  const given = res.headers.get('x-request-id')!;
  expect(given).toMatch(/^[0-9a-f-]{36}$/);
  expect(given).not.toBe(hostile);
  expect(lines.join('\n')).not.toContain(hostile || '"requestId":""');
  expect(logged().find((l) => l.event === 'http.request')).toMatchObject({ requestId: given, route: '/api/status', status: 200 });
});

it('a request without an id gets a new one each time; a 64-character id is still kept', async () => {
  const a = (await rg.app.request('/healthz')).headers.get('x-request-id');
  const b = (await rg.app.request('/healthz')).headers.get('x-request-id');
  expect(a).toMatch(/^[0-9a-f-]{36}$/);
  expect(b).not.toBe(a);
  const long = 'x'.repeat(64);
  expect((await rg.app.request('/healthz', { headers: { 'x-request-id': long } })).headers.get('x-request-id')).toBe(long);
});

it('the request line names the route pattern, never the path that holds a token', async () => {
  lines.length = 0;
  const token = 'r_' + 'Q'.repeat(43);
  expect((await rg.app.request(`/r/${token}`)).status).toBe(410); // unknown link: its page says so
  expect(logged().find((l) => l.event === 'http.request')).toMatchObject({ method: 'GET', route: '/r/:token', status: 410 });
  expect(lines.join('\n')).not.toContain(token);
});
