/**
 * GET /metrics: the Prometheus text, only with `Authorization: Bearer <METRICS_TOKEN>`
 * (anything else: 401). Mounted on the main app, or alone on METRICS_PORT (`metricsApp`).
 *
 * @example app.route('/', metricsRoutes(metrics, config.metricsToken));
 */
import { Hono } from 'hono';
import type { Metrics } from '../../metrics/index.ts';
import { bearerMatches } from '../../metrics/token.ts';
import { errorBody } from '../errors.ts';

export function metricsRoutes(metrics: Pick<Metrics, 'scrape' | 'contentType'>, token: string) {
  return new Hono().get('/metrics', async (c) => {
    if (!bearerMatches(c.req.header('authorization'), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json(errorBody('unauthorized', 'send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"'), 401);
    }
    return c.body(await metrics.scrape(), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  });
}

/** The app of the METRICS_PORT listener: /metrics and nothing else. */
export function metricsApp(metrics: Pick<Metrics, 'scrape' | 'contentType'>, token: string) {
  const app = new Hono();
  app.route('/', metricsRoutes(metrics, token));
  app.notFound((c) => c.json(errorBody('not_found', 'only /metrics is served on this port'), 404));
  return app;
}
