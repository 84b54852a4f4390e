/**
 * The HTTP surface: route wiring only. Each route hands its work to a server module.
 */
import { Hono } from 'hono';
import type { Accounts } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import type { Users } from '../auth/index.ts';
import { DomainError } from '../errors.ts';
import type { Health } from '../health/check.ts';
import type { LoginTests } from '../health/login-test.ts';
import type { Logger } from '../log/index.ts';
import type { Reauth } from '../reauth/index.ts';
import { apiLimits } from './abuse-limits.ts';
import { apiHeaders } from './api-headers.ts';
import { requireUser } from './auth.ts';
import { extensionCors } from './cors.ts';
import { databaseReady } from '../db/ready.ts';
import { errorBody, requestCutOff, respondWithError } from './errors.ts';
import { accountTestRoutes } from './routes/account-tests.ts';
import { accountRoutes } from './routes/accounts.ts';
import { accountExportRoutes } from './routes/account-export.ts';
import { reauthPages } from './routes/reauth-pages.ts';
import { accountReauthRoutes, connectRoutes, pendingConnectionRoutes } from './routes/reauth.ts';
import { referenceRoutes } from './routes/reference.ts';
import { statusRoutes } from './routes/status.ts';
import type { Inbox } from '../inbox/index.ts';
import type { Outbox } from '../outbox/index.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { messageRoutes } from './routes/messages.ts';
import type { Imports } from '../imports/index.ts';
import { importRoutes } from './routes/imports.ts';
import type { Metrics } from '../metrics/index.ts';
import type { OwnHealth } from '../metrics/own-health.ts';
import { markUnmatched, observeRequests } from './observe.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { serverHealthRoutes } from './routes/server-health.ts';
import type { Members } from '../auth/members.ts';
import type { Signin } from '../signin/index.ts';
import { loginRoutes, loginTokenRoute } from './routes/login.ts';
import { memberRoutes, meRoutes } from './routes/members.ts';
import type { Webhooks } from '../webhooks/index.ts';
import { fixPageRoutes, webhookRoutes } from './routes/webhooks.ts';

export interface AppDeps {
  /** Where rate limits are counted, so they hold across server processes. */
  db: Db;
  users: Users;
  accounts: Accounts;
  health: Health;
  reauth: Reauth;
  logger: Logger;
  workspaceName: string;
  publicUrl: string;
  consentOrigins: string[];
  /** Test Sending / Test Receiving. */
  loginTests: LoginTests;
  outbox: Outbox;
  inbox: Inbox;
  imports: Imports;
  webhooks: Webhooks;
  metrics?: Metrics;
  /** Regrant's own health: `/api/server/health`, and `serverDegraded` in `/api/status`. */
  ownHealth?: OwnHealth;
  /** Serves `/metrics` on this app with this bearer token; null: not here (unset, or on METRICS_PORT). */
  metricsToken?: string | null;
  /** Sign-in from the extension (`/login`) and the members API. */
  signin: Signin;
  members: Members;
}

/** Extension pages call the API from these origins; bearer tokens are not ambient, so this is safe. */
export const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-z0-9-]+$/i;

export function createApp({ db, users, accounts, health, reauth, logger, workspaceName, publicUrl, consentOrigins, loginTests, outbox, inbox, imports, webhooks, metrics, ownHealth, metricsToken, signin, members }: AppDeps) {
  const app = new Hono();
  app.use('*', observeRequests({ logger, metrics }));
  // The route's pattern, not its path: paths of pages carry share-link and start tokens.
  app.onError((error, c) => {
    const route = `${c.req.method} ${c.req.routePath}`;
    if (requestCutOff(c)) {
      logger.info('http.client_gone', { route });
      return c.json(errorBody('bad_request', 'the request was cut off before it was complete'), 400);
    }
    return respondWithError(
      c,
      error,
      (e) => logger.error('http.unexpected', { route, error: e }),
      (e) => logger.warn('http.database_unavailable', { route, error: e }),
    );
  });
  app.notFound((c) => {
    markUnmatched(c);
    return c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready: this instance reaches its database (a load balancer's check; /healthz says only "alive").
  app.get('/readyz', async (c) => ((await databaseReady(db)) ? c.json({ ok: true, database: 'up' }) : c.json({ ok: false, database: 'unreachable' }, 503)));
  if (metrics && metricsToken) app.route('/', metricsRoutes(metrics, metricsToken));
  app.get('/', (c) =>
    c.text(`${workspaceName} (Regrant) is running. In the Regrant browser extension's options, enter this server's URL and press Sign in.\n`),
  );

  app.route('/', reauthPages({ db, reauth, workspaceName, publicUrl, consentOrigins, logger }));
  app.route('/login/token', loginTokenRoute(signin));
  app.route('/', loginRoutes({ db, signin, workspaceName, publicUrl, logger }));
  app.route('/', fixPageRoutes(workspaceName));
  const limits = apiLimits(db);

  app.use('/api/*', apiHeaders);
  app.use(
    '/api/*',
    extensionCors({
      origin: EXTENSION_ORIGIN,
      allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match', 'X-Request-Id'],
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['ETag', 'X-Request-Id', 'Content-Disposition', 'Retry-After'],
      maxAgeSeconds: 600,
    }),
  );
  // The API's own description needs no token: anyone building a client reads it first.
  app.route('/api', referenceRoutes(publicUrl));
  app.use('/api/*', requireUser(users, limits.unknownToken));
  app.route('/api/status', statusRoutes(accounts, ownHealth?.degraded, ownHealth?.ownEmailsRefused));
  app.route('/api', meRoutes(members, users));
  app.route('/api/members', memberRoutes(members));
  app.get('/api/server', (c) => c.json({ workspace: workspaceName, providers: reauth.providers() }));
  if (ownHealth) app.route('/api/server/health', serverHealthRoutes(ownHealth));
  app.route('/api/connect', connectRoutes(reauth));
  app.route('/api/pending-connections', pendingConnectionRoutes(reauth));
  app.route('/api/accounts', accountExportRoutes(accounts));
  app.route('/api/accounts', accountReauthRoutes(reauth));
  app.route('/api/accounts', accountTestRoutes(accounts, health, loginTests));
  app.route('/api/accounts', accountRoutes(accounts, health));
  app.route('/api/messages', messageRoutes(outbox, limits.messages));
  app.route('/api/accounts', inboxRoutes(inbox));
  app.route('/api/imports', importRoutes(imports, limits.uploads));
  app.route('/api/webhooks', webhookRoutes(webhooks));
  app.all('/api/*', (c) => {
    markUnmatched(c);
    throw new DomainError('not_found', 'no such API route');
  });
  metrics?.knowRoutes(app.routes.map((r) => r.path));
  return app;
}
