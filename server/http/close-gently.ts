/**
 * Closing a connection without a reset. A socket closed while the client's bytes still sit
 * unread in it makes the kernel send RST, and the client loses the answer it was about to
 * read. So: send the answer and our FIN, keep reading (and dropping) what still arrives, and
 * let the client close first; only a client that keeps sending past `lingerMs` is cut off.
 *
 * @example closeGently(socket, 2_000, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
 */
import type { Socket } from 'node:net';

const closing = Symbol('regrant.closing');

type Marked = Socket & { [closing]?: true };

/** Whether `closeGently` already runs on this socket (Node may report one timeout twice). */
export function isClosing(socket: Socket): boolean {
  return (socket as Marked)[closing] === true;
}

export function closeGently(socket: Socket, lingerMs: number, answer?: string): void {
  const marked = socket as Marked;
  if (marked[closing] || socket.destroyed) return;
  marked[closing] = true;
  if (answer && socket.writable) socket.write(answer);
  // Node's own close after a `Connection: close` answer destroys the socket once our FIN is
  // out, unread bytes or not: that is the reset this waits out instead.
  socket.removeListener('finish', socket.destroy);
  socket.end();
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
