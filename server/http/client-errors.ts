/**
 * What a client gets when Node refuses its request before the app sees it: headers or body
 * that did not arrive in time (408), headers too large (431), bytes that are not HTTP or a
 * body cut off mid-way (400). The answer is the API's error shape, then the connection is
 * closed gently; one that already answered is only closed.
 *
 * @example server.on('clientError', (error, socket) => answerClientError(error, socket, { lingerMs: 2000, answered }));
 */
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors.ts';
import { closeGently } from './close-gently.ts';
import { errorBody } from './errors.ts';

interface Refusal {
  status: number;
  reason: string;
  code: ErrorCode;
  message: string;
}

function refusal(errorCode: string | undefined, timeouts: { headersMs: number; requestMs: number }): Refusal {
  switch (errorCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'request_timeout',
        message: `the request did not arrive in time (headers within ${timeouts.headersMs / 1000} s, the whole request within ${timeouts.requestMs / 1000} s); send it again`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'the request headers are too large' };
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, reason: 'Bad Request', code: 'bad_request', message: 'the request ended before its body was complete' };
    default:
      return { status: 400, reason: 'Bad Request', code: 'bad_request', message: 'the request is not valid HTTP' };
  }
}

export interface ClientErrorOptions {
  lingerMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Whether this connection's current request already has its answer under way. */
  answered: (socket: Socket) => boolean;
}

export function answerClientError(error: Error & { code?: string }, socket: Socket, options: ClientErrorOptions): void {
  // The client hung up: nobody to answer.
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (options.answered(socket)) {
    closeGently(socket, options.lingerMs);
    return;
  }
  const { status, reason, code, message } = refusal(error.code, { headersMs: options.headersTimeoutMs, requestMs: options.requestTimeoutMs });
  const body = JSON.stringify(errorBody(code, message));
  const head = [`HTTP/1.1 ${status} ${reason}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  closeGently(socket, options.lingerMs, `${head.join('\r\n')}\r\n\r\n${body}`);
}
