/**
 * The Node HTTP server every Regrant process listens with (`npm start`, the demo, tests and
 * benchmarks): bounded time for a request's headers and for the whole request, a clean 408
 * (never a held socket) for a client that trickles, and a refused body that leaves the
 * keep-alive connection usable.
 *
 * @example
 *   const server = createHttpServer(regrant.app.fetch);
 *   const port = await listen(server, 8787, '127.0.0.1');
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerClientError } from './client-errors.ts';
import { discardUnreadBody } from './unread-body.ts';

export interface HttpLimits {
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body: a 5 MB import needs ~85 KB/s. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node looks for requests past their time; the timeouts are late by at most this. */
  checkIntervalMs: number;
  /** Unread body bytes dropped to keep a connection open after an early answer. */
  discardBytes: number;
  /** How long a closing connection still reads what the client sends, to avoid a reset. */
  lingerMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  discardBytes: 16 * 1024 * 1024,
  lingerMs: 2_000,
};

type Fetch = Parameters<typeof getRequestListener>[0];

/**
 * `front`, when given, sees each request first and answers it alone when it returns true
 * (status-poll.ts: the extension's 304 poll, without node-server's Request and Response).
 */
export function createHttpServer(fetch: Fetch, limits: HttpLimits = HTTP_LIMITS, front?: (req: IncomingMessage, res: ServerResponse) => boolean): Server {
  // node-server's own clean-up of unread bodies destroys the socket after 500 ms: discardUnreadBody does it.
  const listener = getRequestListener(fetch, { autoCleanupIncoming: false });
  const current = new WeakMap<Socket, ServerResponse>();
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      current.set(req.socket, res);
      discardUnreadBody(req, res, limits);
      if (front?.(req, res)) return;
      void listener(req, res);
    },
  );
  // Answered but still dropping its body: a timeout now must not write a second answer.
  const answered = (socket: Socket) => {
    const res = current.get(socket);
    return res !== undefined && res.headersSent && !res.req.complete;
  };
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => answerClientError(error, socket, { ...limits, answered }));
  return server;
}

/** Starts listening; resolves with the port (the one chosen when `port` is 0). */
export function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
