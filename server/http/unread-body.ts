/**
 * The rest of a request body that the answer did not need (a 413 before reading, a 401 for a
 * POST, a 404): read and dropped once the answer is sent, so the client's next request on the
 * same keep-alive connection is read after it. Past `discardBytes` the connection is closed
 * gently instead: nobody is owed the reading of an endless body.
 *
 * Node reads and drops such a body itself, but not once something began to read it (the web
 * stream of `Request.body` pauses the request whenever nobody pulls), and @hono/node-server's
 * own clean-up gives up after 500 ms and destroys the socket: the client saw a reset.
 *
 * @example
 *   http.createServer((req, res) => { discardUnreadBody(req, res, { discardBytes: 16 << 20, lingerMs: 2000 }); listener(req, res); });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeGently } from './close-gently.ts';

export interface DiscardLimits {
  /** Bytes of an unread body dropped at most; past it the connection is closed. */
  discardBytes: number;
  /** How long a closed connection still reads before it is cut off (see closeGently). */
  lingerMs: number;
}

export function discardUnreadBody(req: IncomingMessage, res: ServerResponse, limits: DiscardLimits): void {
  const declared = Number(req.headers['content-length']);
  // Too big to drop: say so in the answer, so the client does not send another request here.
  if (Number.isFinite(declared) && declared > limits.discardBytes) res.setHeader('Connection', 'close');
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    let dropped = 0;
    // Whatever read the body before (a web stream) would pause it again: it lets go here.
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > limits.discardBytes) closeGently(socket, limits.lingerMs);
    });
    req.resume();
    if (res.getHeader('Connection') === 'close') closeGently(socket, limits.lingerMs);
  });
}
