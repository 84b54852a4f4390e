/**
 * A real HTTP receiver on loopback for webhook tests: it keeps every request (headers as
 * sent, the body as text, when it arrived) and answers the statuses a test scripts, then 200.
 *
 * @example
 *   const slack = await startReceiver([503, 503]); // two refusals, then 200
 *   await rg.admin.post('/api/webhooks', { url: slack.url, format: 'slack' });
 *   await eventually(() => slack.received.length === 3);
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** The status it was answered with. */
  status: number;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Statuses still to answer, first first; 200 once they are used up. */
  script: number[];
  /** The bodies received, parsed. */
  json<T = unknown>(): T[];
  close(): Promise<void>;
}

export async function startReceiver(script: number[] = []): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const receiver = { script: [...script] } as Receiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = receiver.script.shift() ?? 200;
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    json: <T>() => received.map((r) => JSON.parse(r.body) as T),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
