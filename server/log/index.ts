/**
 * Structured logs through pino: one JSON object a line (`LOG_FORMAT=json`, the default) or
 * pino-pretty for a terminal (`LOG_FORMAT=pretty`), from `LOG_LEVEL` up. Every module calls it
 * the same way, an event name and its fields; anything that looks like a secret is masked
 * before it is written (redact.ts), and a line written while a request is handled carries
 * that request's id (request-context.ts).
 *
 * @example
 *   const log = createLogger(undefined, { level: 'info', format: 'json' });
 *   log.info('check', { account: 'acc_1', state: 'connected' });
 *   // {"level":"info","time":"2025-…","event":"check","account":"acc_1","state":"connected"}
 */
import pino from 'pino';
import type { LogFormat, LogLevel } from '../config/index.ts';
import { prettyStream } from './pretty.ts';
import { redact } from './redact.ts';
import { currentRequestId } from './request-context.ts';

export { redact, redactString } from './redact.ts';
export { currentRequestId, inRequest } from './request-context.ts';

export type { LogFormat, LogLevel } from '../config/index.ts';

/** Where lines go instead of standard output (tests, the demo's log file): one call a line, without its newline. */
export type LogSink = (line: string) => void;

export interface Logger {
  /** Below `info`: lines an operator asks for with `LOG_LEVEL=debug` (a logger without it writes none). */
  debug?(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface LogOptions {
  level?: LogLevel;
  /** Ignored when a sink is given: a sink always receives JSON lines. */
  format?: LogFormat;
}

function destination(sink: LogSink | undefined, format: LogFormat): pino.DestinationStream {
  if (sink) return { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) };
  if (format === 'pretty') return prettyStream();
  return pino.destination({ dest: 1, sync: true });
}

export function createLogger(sink?: LogSink, { level = 'info', format = 'json' }: LogOptions = {}): Logger {
  const out = pino(
    {
      level,
      base: undefined,
      // Lines carry no msg; pino-pretty, fed by pino, finds the message under pino's messageKey.
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Every field, however deep, goes through the masking: keys by pattern, strings by
        // content. The event comes first, so that a line reads "what, then details".
        log: (fields) => {
          const { event, ...rest } = redact(fields) as Record<string, unknown>;
          return { event, ...rest };
        },
      },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination(sink, format),
  );
  return {
    debug: (event, fields) => out.debug({ ...fields, event }),
    info: (event, fields) => out.info({ ...fields, event }),
    warn: (event, fields) => out.warn({ ...fields, event }),
    error: (event, fields) => out.error({ ...fields, event }),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
