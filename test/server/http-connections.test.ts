/**
 * The HTTP server as a client on a real socket sees it: a refused body leaves the keep-alive
 * connection usable, a body too big to drop closes it without a reset, and a client that
 * trickles its headers or body gets a clean 408 within the bound instead of a held socket.
 */
import http from 'node:http';
import net from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, HTTP_LIMITS, listen, type HttpLimits } from '../../server/http/serve.ts';
import type { Logger } from '../../server/log/index.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

const LIMITS: HttpLimits = { ...HTTP_LIMITS, headersTimeoutMs: 600, requestTimeoutMs: 1_200, checkIntervalMs: 100, discardBytes: 8 * 1024 * 1024, lingerMs: 1_000 };

let rg: TestRegrant;
let admin: Client;
let server: Server;
let port: number;
const logged: string[] = [];
const logger: Logger = { info() {}, warn() {}, error: (event) => void logged.push(event) };

beforeAll(async () => {
  rg = await startRegrant({}, { logger });
  admin = await rg.user('ann@acme.test', 'admin');
  server = createHttpServer(rg.app.fetch, LIMITS);
  port = await listen(server, 0, '127.0.0.1');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rg.destroy();
});

const mailbox = (email: string) => ({
  email,
  smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: email, password: 'pw' },
  imap: { host: '127.0.0.1', port: 1143, security: 'none', username: email, password: 'pw' },
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The local port of the client's socket: the same port means the same connection. */
  socketPort: number;
}

/** One request through `agent`; rejects on any socket error the client sees. */
function send(agent: http.Agent, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${admin.token}` };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = http.request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), socketPort: req.socket!.localPort! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface RawResult {
  text: string;
  error: string | null;
  /** Milliseconds from connecting to the server's close (or our give-up). */
  closedAfterMs: number;
}

/** A raw socket that writes `parts` with `gapMs` between them, and reads until the server closes. */
function trickle(parts: string[], gapMs: number, { halfClose = false } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let error: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    const queue = [...parts];
    const next = () => {
      const part = queue.shift();
      if (part === undefined) {
        if (halfClose) socket.end();
        return;
      }
      if (!socket.writable) return;
      socket.write(part);
      timer = setTimeout(next, gapMs);
    };
    socket.on('connect', next);
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => {
      if (timer) clearTimeout(timer);
      resolve({ text, error, closedAfterMs: Date.now() - started });
    });
  });
}

describe('a refused body leaves the connection usable', () => {
  it('a 3 MB body gets 413, then a POST on the same connection succeeds', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = JSON.stringify({ ...mailbox('big@acme.test'), name: 'x'.repeat(3 * 1024 * 1024) });
      const refused = await send(agent, 'POST', '/api/accounts', big);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(refused.headers.connection).toBe('keep-alive');

      const status = await send(agent, 'GET', '/api/status');
      const created = await send(agent, 'POST', '/api/accounts', JSON.stringify(mailbox('after@acme.test')));
      expect([status.status, created.status]).toEqual([200, 201]);
      expect(JSON.parse(created.body)).toMatchObject({ email: 'after@acme.test' });
      expect(new Set([refused.socketPort, status.socketPort, created.socketPort]).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('a body refused before the route (an unknown token) is dropped too', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = JSON.stringify({ text: 'y'.repeat(512 * 1024) });
      const wrong = await new Promise<Answer>((resolve, reject) => {
        const req = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path: '/api/messages', headers: { authorization: 'Bearer rg_wrong', 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: '', socketPort: req.socket!.localPort! }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(wrong.status).toBe(401);
      const after = await send(agent, 'GET', '/api/status');
      expect(after.status).toBe(200);
      expect(after.socketPort).toBe(wrong.socketPort);
    } finally {
      agent.destroy();
    }
  });

  it('a body too big to drop: 413 with Connection: close, closed without a reset', async () => {
    // A client that stops sending once it has the final answer, as RFC 9112 (9.6) asks.
    const size = LIMITS.discardBytes + 1024 * 1024;
    const result = await new Promise<RawResult & { sent: number }>((resolve) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      let error: string | null = null;
      let sent = 0;
      const chunk = 'z'.repeat(64 * 1024);
      const pump = () => {
        while (!text && sent < size && socket.write(chunk)) sent += chunk.length;
        if (!text && sent < size) socket.once('drain', pump);
      };
      socket.on('connect', () => {
        socket.write(`POST /api/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
        pump();
      });
      socket.on('data', (d) => (text += d.toString()));
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
      socket.on('close', () => resolve({ text, error, sent, closedAfterMs: Date.now() - started }));
    });
    expect(result.error).toBeNull();
    expect(result.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.text.toLowerCase()).toContain('connection: close');
    expect(result.text).toContain('"code":"payload_too_large"');
    expect(result.sent).toBeLessThan(size);
  });
});

describe('a slow or cut-off client gets a clean 408 within the bound', () => {
  it('headers trickling in a byte at a time: 408 once the headers time is up, then the server closes', async () => {
    const parts = 'POST /api/accounts HTTP/1.1\r\nHost: x\r\nX-Slow: '.split('').concat(Array(200).fill('a'));
    const result = await trickle(parts, 20);
    expect(result.error).toBeNull();
    expect(result.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(result.text).toContain('Connection: close');
    const body = JSON.parse(result.text.split('\r\n\r\n')[1]);
    expect(body).toEqual({ error: { code: 'request_timeout', message: expect.stringContaining('did not arrive in time') } });
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs);
    expect(result.closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + LIMITS.checkIntervalMs + LIMITS.lingerMs + 1_000);
  });

  it('a body that stops half-way: 408 once the request time is up; the route is not logged as broken', async () => {
    logged.length = 0;
    const head = `POST /api/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const result = await trickle([head, '{"email":"half'], 10);
    expect(result.error).toBeNull();
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.text).toContain('"code":"request_timeout"');
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs);
    expect(result.closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + LIMITS.checkIntervalMs + LIMITS.lingerMs + 1_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(logged).toEqual([]);
  });

  it('a body trickling slower than the request time allows: 408', async () => {
    const head = `POST /api/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n`;
    const result = await trickle([head, ...Array(400).fill('x')], 50);
    expect(result.error).toBeNull();
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + LIMITS.checkIntervalMs + LIMITS.lingerMs + 1_000);
  });

  it('a body cut off by a client that closes its side: 400 saying so', async () => {
    const head = `POST /api/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const result = await trickle([head, '{"email":"cut'], 10, { halfClose: true });
    expect(result.error).toBeNull();
    expect(result.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(result.text).toContain('the request ended before its body was complete');
  });
});
