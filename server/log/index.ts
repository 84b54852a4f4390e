/**
 * One-line structured logs. Anything that looks like a secret is masked before it is written,
 * so a password that slips into an error object still never reaches a log file.
 *
 * @example log.info('check', { account: 'acc_1', state: 'connected' })
 */
const SECRET_KEY = /pass|secret|token|authorization|cookie|key|credential/i;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^@\s/]+)@/gi;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, '$1$2:***@');
  if (value instanceof Error) return redact({ name: value.name, message: value.message, code: (value as { code?: unknown }).code }, depth);
  if (Array.isArray(value)) return depth > 4 ? '[…]' : value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 4) return '[…]';
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '***' : redact(v, depth + 1)]),
    );
  }
  return value;
}

export type LogSink = (line: string) => void;

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(sink: LogSink = (line) => process.stdout.write(line + '\n')): Logger {
  const write = (level: string, event: string, fields?: Record<string, unknown>) =>
    sink(JSON.stringify({ t: new Date().toISOString(), level, event, ...(redact(fields ?? {}) as object) }));
  return {
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
