/**
 * Where a Regrant process listens: the app on HOST:PORT, and `/metrics` alone on
 * 127.0.0.1:METRICS_PORT when that is set (the token is required there too).
 *
 * @example
 *   const listening = await startListeners(regrant);
 *   listening.port; listening.metricsPort; // null without METRICS_PORT
 *   await listening.close();
 */
import type { Server } from 'node:http';
import type { Regrant } from '../regrant.ts';
import { metricsApp } from './routes/metrics.ts';
import { createHttpServer, HTTP_LIMITS, listen } from './serve.ts';
import { nodeFront } from './status-poll.ts';

export interface Listening {
  port: number;
  metricsPort: number | null;
  close(): Promise<void>;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Listens on the configured ports; rejects (and listens on none) when one cannot be had. */
export async function startListeners(regrant: Pick<Regrant, 'app' | 'config' | 'metrics'>): Promise<Listening> {
  const { config } = regrant;
  const main = createHttpServer(regrant.app.fetch, HTTP_LIMITS, nodeFront(regrant.app.statusPoll));
  const port = await listen(main, config.port, config.host);
  let metricsServer: Server | null = null;
  let metricsPort: number | null = null;
  if (config.metricsPort !== null && config.metricsToken !== null) {
    metricsServer = createHttpServer(metricsApp(regrant.metrics, config.metricsToken).fetch);
    try {
      metricsPort = await listen(metricsServer, config.metricsPort, '127.0.0.1');
    } catch (error) {
      await closeServer(main);
      throw error;
    }
  }
  return {
    port,
    metricsPort,
    async close() {
      await Promise.all([closeServer(main), metricsServer ? closeServer(metricsServer) : undefined]);
    },
  };
}
