/** `npm start`: read the configuration, open the database, check mailboxes, serve the API. */
import { setFlagsFromString } from 'node:v8';
import { ConfigError, environmentWithDotenv, loadConfig, type Config } from './config/index.ts';
import { startListeners } from './http/listeners.ts';
import { createLogger, type Logger } from './log/index.ts';
import { createRegrant } from './regrant.ts';
import { isDatabaseUnavailable } from './db/errors.ts';
import { DatabaseTooNewError } from './db/index.ts';

// A check cycle makes much short-lived garbage around a live heap of ~30 MB, and by default V8
// lets the heap grow to ~4x what is live and keeps it once idle (10,000 mailboxes: RSS ~275 MB
// peak, ~220 MB idle). Capped at 1.5x, ~195 / ~175 MB at no CPU cost (bench/memory.ts);
// --optimize-for-size would give ~165 / ~120 MB but doubles the CPU a check costs. The young
// generation is capped too, by `npm start`'s --max-semi-space-size=4 (a start-up flag, which
// V8 reads only when it makes the heap): 32 MB of new space, touched and kept, becomes 8 MB.
setFlagsFromString('--heap-growing-percent=50');

let config: Config;
let logger: Logger;
try {
  config = loadConfig(environmentWithDotenv(process.env));
  // LOG_FORMAT=pretty without pino-pretty installed is a configuration error too.
  logger = createLogger(undefined, config.log);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`regrant: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const regrant = await createRegrant(config, { logger }).catch((error: Error) => {
  // A database newer than this code, or one that cannot be reached: one line, not a stack.
  if (error instanceof DatabaseTooNewError || isDatabaseUnavailable(error)) {
    console.error(`regrant: cannot start: ${error instanceof DatabaseTooNewError ? error.message : `the database cannot be reached (${error.message})`}`);
    process.exit(1);
  }
  throw error;
});
regrant.start();
const listening = await startListeners(regrant).catch((error: Error) => {
  console.error(`regrant: cannot listen on ${config.host}:${config.port}${config.metricsPort ? ` and 127.0.0.1:${config.metricsPort}` : ''}: ${error.message}`);
  process.exit(1);
});
logger.info('listening', {
  url: `http://${config.host}:${listening.port}`,
  publicUrl: config.publicUrl,
  dataDir: config.dataDir,
  metrics: config.metricsToken === null ? 'off' : listening.metricsPort ? `http://127.0.0.1:${listening.metricsPort}/metrics` : '/metrics',
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void listening.close();
    void regrant.close().then(() => process.exit(0));
  });
}
