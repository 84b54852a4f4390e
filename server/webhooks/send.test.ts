import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loopbackHosts } from '../../test/support/hosts.ts';
import { createHostGuard } from '../net/index.ts';
import { postJson } from './send.ts';

let base = '';
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(req.url ?? '');
  if (req.url === '/silent') return; // never answers
  if (req.url === '/moved') return void res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
  res.writeHead(200).end('ok');
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it('a 2xx is a success; a redirect is not followed and counts as a failure', async () => {
  expect(await postJson(loopbackHosts, `${base}/ok`, '{}', {})).toEqual({ ok: true, status: 200 });
  expect(await postJson(loopbackHosts, `${base}/moved`, '{}', {})).toEqual({ ok: false, status: 302, error: '302 Found' });
});

it('no answer in time is a failed attempt, said in words', async () => {
  const started = Date.now();
  expect(await postJson(loopbackHosts, `${base}/silent`, '{}', {}, 300)).toEqual({ ok: false, error: 'no answer within 0.3 s' });
  expect(Date.now() - started).toBeLessThan(2000);
});

it('a loopback URL is refused at connect time when ALLOW_PRIVATE_HOSTS does not open it: nothing is sent', async () => {
  const before = seen.length;
  const answer = await postJson(createHostGuard({ allowed: [] }), `${base}/ok`, '{}', {});
  expect(answer.ok).toBe(false);
  expect(answer.error).toMatch(/127\.0\.0\.1 is a loopback address/);
  expect(seen.length).toBe(before);
});
