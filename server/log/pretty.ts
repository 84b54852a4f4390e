/**
 * `LOG_FORMAT=pretty`: log lines for a terminal through pino-pretty, a development dependency.
 * Where it is not installed (a production install without dev dependencies) start-up stops
 * with a ConfigError that says what to do, instead of a stack trace.
 *
 * @example const stream = prettyStream(); // a writable stream for pino, or throws ConfigError
 */
import { createRequire } from 'node:module';
import { ConfigError } from '../config/index.ts';

type PrettyFactory = (options: Record<string, unknown>) => NodeJS.WritableStream;
type Load = (name: string) => unknown;

export function prettyStream(load: Load = createRequire(import.meta.url)): NodeJS.WritableStream {
  let factory: PrettyFactory;
  try {
    factory = load('pino-pretty') as PrettyFactory;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new ConfigError('LOG_FORMAT', 'is pretty, but pino-pretty (a development dependency) is not installed: run npm install --include=dev, or use LOG_FORMAT=json');
  }
  return factory({ colorize: Boolean(process.stdout.isTTY), messageKey: 'event', translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, sync: true });
}
