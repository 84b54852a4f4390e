/** `npm start`: read the configuration, open the database, check mailboxes, serve the API. */
import { serve } from '@hono/node-server';
import { ConfigError, environmentWithDotenv, loadConfig } from './config/index.ts';
import { createRegrant } from './regrant.ts';

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
const server = serve({ fetch: regrant.app.fetch, port: config.port, hostname: config.host }, (info) => {
  regrant.logger.info('listening', { url: `http://${config.host}:${info.port}`, publicUrl: config.publicUrl, dataDir: config.dataDir });
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
