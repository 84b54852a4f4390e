/**
 * Builds a whole Regrant server from its configuration: database, secrets, users, accounts,
 * health checks, alerts and the HTTP app. It is an instance (`server/instances/`) from the
 * moment it exists: every lease it takes names it. `start()` begins the background work.
 *
 * @example
 *   const regrant = await createRegrant(loadConfig(process.env));
 *   regrant.start();
 *   createHttpServer(regrant.app.fetch).listen(8787);
 */
import { createAccounts } from './accounts/index.ts';
import { createUsers } from './auth/index.ts';
import type { Config } from './config/index.ts';
import { createSealer, loadOrCreateKey } from './crypto/index.ts';
import { closeDataDir } from './db/data-dir.ts';
import { openDatabase } from './db/index.ts';
import { claimPeriodicRun } from './db/periodic.ts';
import { createHealth } from './health/check.ts';
import { createLoginTests } from './health/login-test.ts';
import { startScheduler, type Scheduler } from './health/scheduler.ts';
import { createApp } from './http/app.ts';
import { createLogger, type Logger } from './log/index.ts';
import { createHostGuard, type HostLookup } from './net/index.ts';
import { createNotifier } from './notify/index.ts';
import { recheckOperatorCauses } from './accounts/recheck.ts';
import { defaultProviders, isOAuthProvider, type ProviderRegistry } from './providers/index.ts';
import { purgeDeadSignIns } from './reauth/housekeeping.ts';
import { createReauth } from './reauth/index.ts';
import { createIncidentLinks } from './reauth/incident-links.ts';
import { createInbox } from './inbox/index.ts';
import { createOutbox } from './outbox/index.ts';
import { createImports, type ImportsDeps } from './imports/index.ts';
import { startInstance } from './instances/index.ts';
import { createMetrics } from './metrics/index.ts';
import { createOwnHealth } from './metrics/own-health.ts';
import { VERSION } from './metrics/version.ts';
import { createMembers } from './auth/members.ts';
import { createSignin } from './signin/index.ts';
import { createWebhooks } from './webhooks/index.ts';

export interface RegrantOptions {
  logger?: Logger;
  providers?: ProviderRegistry;
  random?: () => number;
  onQuery?: (sql: string) => void;
  /** Import internals a benchmark or test may set: the sign-in test, the run lease. */
  imports?: Pick<ImportsDeps, 'probe' | 'leaseMs'>;
  /** How long Test Receiving looks for a test email not in INBOX yet (10 s, at most half of CHECK_TIMEOUT_SECONDS). */
  testEmailWaitMs?: number;
  /** How long `serverDegraded` is reused between reads (5 s). */
  degradedCacheMs?: number;
  /** Resolves mailbox host names instead of the system resolver: a test plays a name whose address changes. */
  lookup?: HostLookup;
  /** What alert groups and reminders count time by: a test moves it (test/support/clock.ts). */
  clock?: () => Date;
  /** Webhook re-tries: the wait after the n-th failed attempt (5 s, 30 s, … unless given), and how often due ones are looked for (2 s). */
  webhookRetryMs?: (attempts: number) => number;
  webhookPollMs?: number;
}

export async function createRegrant(config: Config, options: RegrantOptions = {}) {
  const logger = options.logger ?? createLogger(undefined, config.log);
  const tightened = (t: { path: string; from: string; to: string }) => logger.warn('data_dir.tightened', { path: t.path, from: t.from, to: t.to });
  closeDataDir(config.dataDir, tightened);
  const db = await openDatabase(config.databaseUrl, {
    onQuery: options.onQuery,
    poolSize: config.databasePoolSize,
    onPoolError: (error) => logger.warn('database.connection_lost', { error }),
  });
  const metrics = createMetrics({ db, intervalSeconds: config.checkIntervalSeconds, version: VERSION, defaults: config.metricsToken !== null });
  const ownHealth = createOwnHealth({ db, intervalSeconds: config.checkIntervalSeconds, version: VERSION, degradedCacheMs: options.degradedCacheMs });
  // Registered before anything is claimed; removes the dead instances it finds (a predecessor
  // killed on this machine), whose leases are then free at once.
  const instance = await startInstance(db, logger);
  const instanceId = instance.id;
  const sealer = createSealer(loadOrCreateKey(config.secretKey, config.dataDir));
  // The database's -wal and -shm exist now: they, and anything else SQLite made, are 0600 too.
  closeDataDir(config.dataDir, tightened);
  const users = createUsers(db);
  const hosts = createHostGuard({ allowed: config.allowPrivateHosts, lookup: options.lookup });
  // One share link per incident, the same in every email, reminder and webhook about it.
  const links = createIncidentLinks({ sealer, publicUrl: config.publicUrl, ttlHours: config.shareLinkTtlHours });
  const notifier = createNotifier({ db, instanceId, smtpUrl: config.notifySmtpUrl, from: config.notifyFrom, logger, metrics, clock: options.clock, sealer, alerts: { timers: config.alerts, workspace: config.workspaceName, links } });
  const webhooks = createWebhooks({ db, sealer, hosts, instanceId, logger, workspaceName: config.workspaceName, links, retryMs: options.webhookRetryMs, pollMs: options.webhookPollMs, clock: options.clock, timers: config.alerts, describe: (ids) => notifier.groups.describe(ids) });
  const loginTests = createLoginTests({ db, timeoutSeconds: config.checkTimeoutSeconds, arrivalWaitMs: options.testEmailWaitMs, hosts });
  const accounts = createAccounts({ db, sealer, checkIntervalSeconds: config.checkIntervalSeconds, notifier, workspaceName: config.workspaceName, random: options.random, hosts, maxMailboxesPerMember: config.maxMailboxesPerMember, webhooks, links, signIn: loginTests.signIn });
  const providers = options.providers ?? defaultProviders(config, hosts);
  const health = createHealth({
    db,
    accounts,
    providers,
    notifier,
    logger,
    instanceId,
    intervalSeconds: config.checkIntervalSeconds,
    timeoutSeconds: config.checkTimeoutSeconds,
    metrics,
  });
  const reauth = createReauth({ db, sealer, accounts, health, notifier, providers, logger, config, metrics, signIn: loginTests.signIn });
  const outbox = createOutbox({ db, accounts, providers, health, logger, instanceId, timeoutSeconds: config.checkTimeoutSeconds, checkIntervalSeconds: config.checkIntervalSeconds, ratePerMinute: config.sendRatePerMinute });
  const inbox = createInbox({ db, accounts, providers, health, logger, instanceId, timeoutSeconds: config.checkTimeoutSeconds, scanIntervalSeconds: config.checkIntervalSeconds });
  // Re-authenticated by any path: the held emails go now, and the inbox catches up.
  health.onReconnected((id) => {
    outbox.reconnected(id).catch((error) => logger.error('outbox.reconnect_failed', { account: id, error }));
    void inbox.kick(id);
  });
  const imports = createImports({ db, sealer, accounts, health, notifier, instanceId, logger, concurrency: config.checkConcurrency, workspaceName: config.workspaceName, ...options.imports });
  const members = createMembers({ db, checkIntervalSeconds: config.checkIntervalSeconds, maxMailboxesPerMember: config.maxMailboxesPerMember });
  const signin = createSignin({ db, config, sealer, users, logger });
  const consentOrigins = Object.values(providers).filter(isOAuthProvider).map((p) => p.consentOrigin);
  const app = createApp({ db, users, accounts, health, reauth, outbox, inbox, imports, logger, workspaceName: config.workspaceName, publicUrl: config.publicUrl, consentOrigins, loginTests, webhooks, metrics, ownHealth, metricsToken: config.metricsPort === null ? config.metricsToken : null, signin, members });

  let scheduler: Scheduler | null = null;
  let stopNotifier: (() => void) | null = null;
  let housekeeping: NodeJS.Timeout | null = null;
  // Hourly, by one instance of the fleet.
  const purge = () =>
    claimPeriodicRun(db, 'reauth.housekeeping', 3600_000, instanceId)
      .then((mine) => (mine ? purgeDeadSignIns(db, new Date()) : undefined))
      .catch((error) => logger.error('housekeeping.failed', { error }));

  return {
    config,
    db,
    instance,
    /** Judges mailbox hosts and webhook URLs against ALLOW_PRIVATE_HOSTS. */
    hosts,
    users,
    members,
    signin,
    accounts,
    health,
    notifier,
    reauth,
    outbox,
    inbox,
    imports,
    webhooks,
    app,
    logger,
    metrics,
    ownHealth,
    /** Starts the health-check scheduler, alert delivery, the outbox sweep and inbox scans. */
    start() {
      if (!scheduler) void recheckOperatorCauses(db, new Date()).catch((error) => logger.error('alerts.recheck_failed', { error }));
      scheduler ??= startScheduler(health, { concurrency: config.checkConcurrency, logger });
      stopNotifier ??= notifier.start();
      outbox.start();
      inbox.start();
      imports.start();
      webhooks.start();
      if (!housekeeping) {
        void purge();
        housekeeping = setInterval(() => void purge(), 3600_000);
        housekeeping.unref();
      }
    },
    /** Stops checks and alert delivery, waiting for the checks under way. */
    async stop() {
      await scheduler?.stop();
      await outbox.stop();
      await inbox.stop();
      await imports.stop();
      await webhooks.stop();
      stopNotifier?.();
      if (housekeeping) clearInterval(housekeeping);
      housekeeping = null;
      scheduler = null;
      stopNotifier = null;
    },
    async close() {
      await this.stop();
      await notifier.close();
      signin.close();
      await instance.stop();
      await db.destroy();
    },
  };
}

export type Regrant = Awaited<ReturnType<typeof createRegrant>>;
