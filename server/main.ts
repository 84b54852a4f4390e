/** `npm start`: read the configuration, open the database, check mailboxes, serve the API. */
import { setFlagsFromString } from 'node:v8';
import { ConfigError, environmentWithDotenv, loadConfig } from './config/index.ts';
import { createHttpServer } from './http/serve.ts';
import { createRegrant } from './regrant.ts';

// A check cycle makes much short-lived garbage around a live heap of ~30 MB, and by default V8
// lets the heap grow to ~4x what is live and keeps it once idle (10,000 mailboxes: RSS ~275 MB
// peak, ~220 MB idle). Capped at 1.5x, ~195 / ~175 MB at no CPU cost (bench/memory.ts);
// --optimize-for-size would give ~165 / ~120 MB but doubles the CPU a check costs.
setFlagsFromString('--heap-growing-percent=50');

let config;
try {
  config = loadConfig(environmentWithDotenv(process.env));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`regrant: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const regrant = await createRegrant(config);
regrant.start();
const server = createHttpServer(regrant.app.fetch);
server.listen(config.port, config.host, () => {
  regrant.logger.info('listening', { url: `http://${config.host}:${config.port}`, publicUrl: config.publicUrl, dataDir: config.dataDir });
});
server.on('error', (error) => {
  console.error(`regrant: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void regrant.close().then(() => process.exit(0));
  });
}
