/**
 * Regrant's Prometheus metrics (prom-client, one registry per server): the series, the hooks
 * the rest of the server calls where things happen (a check judged, one of Regrant's own
 * emails sent, a share link created or used, an HTTP request answered), and the scrape,
 * which reads the database's figures first. Every label comes from a set fixed up front
 * (labels.ts); the label combinations of mailboxes and checks exist from the start, so the
 * set of series does not grow with the data.
 *
 * @example
 *   const metrics = createMetrics({ db, intervalSeconds: 300, version: '0.1.0' });
 *   metrics.shareLinkCreated();
 *   const text = await metrics.scrape(); // Prometheus text format
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/index.ts';
import { ageSeconds, checksOverdue, mailboxCounts, mailQueueWaiting, outboxByMailboxState } from './database-figures.ts';
import { bounded, checkOutcomes, MAIL_KIND_LABELS, METHOD_LABELS, OTHER, PROVIDER_LABELS, STATE_LABELS, STATUS_LABELS, UNMATCHED_ROUTE, type MailOutcome } from './labels.ts';

export interface MetricsDeps {
  db: Db;
  intervalSeconds: number;
  version: string;
  /** Node and process metrics too (prom-client's defaults); off for servers nobody scrapes. */
  defaults?: boolean;
}

/** What a check found, as the health engine has it: nothing (the login works), a classification or several. */
export type CheckFinding = { verdict: string; code: string } | Array<{ verdict: string; code: string }> | null;

const SEVERITY: Record<string, number> = { needs_reauth: 3, admin_action: 3, transient: 1 };

export function createMetrics({ db, intervalSeconds, version, defaults = false }: MetricsDeps) {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({ name: 'regrant_build_info', help: 'Always 1; the version of this Regrant server as a label.', labelNames: ['version'], registers }).set({ version }, 1);

  const mailboxes = new Gauge({ name: 'regrant_mailboxes', help: 'Mailboxes by state and provider (from the database: take max across instances).', labelNames: ['state', 'provider'], registers });
  const overdue = new Gauge({ name: 'regrant_checks_overdue', help: 'Mailboxes whose check was due more than one check interval ago (from the database: take max).', registers });
  const outbox = new Gauge({ name: 'regrant_outbox_emails', help: 'Emails queued to go out and not sent yet, by the state of their mailbox (from the database: take max).', labelNames: ['mailbox_state'], registers });
  const outboxAge = new Gauge({ name: 'regrant_outbox_oldest_age_seconds', help: 'Age of the oldest email not sent yet, by the state of its mailbox; 0 when none (from the database: take max).', labelNames: ['mailbox_state'], registers });
  const ownWaiting = new Gauge({ name: 'regrant_alert_emails_waiting', help: "Regrant's own emails (alerts, notices, import reports) not delivered yet, by kind (from the database: take max).", labelNames: ['kind'], registers });
  const ownFailing = new Gauge({ name: 'regrant_alert_emails_failing', help: "Regrant's own emails waiting after a refused delivery, by kind (from the database: take max).", labelNames: ['kind'], registers });
  const ownAge = new Gauge({ name: 'regrant_alert_emails_oldest_age_seconds', help: "Age of the oldest of Regrant's own emails not delivered yet; 0 when none (from the database: take max).", registers });

  const checks = new Counter({ name: 'regrant_checks_total', help: 'Health checks by verdict and reason code.', labelNames: ['verdict', 'reason'], registers });
  const checkSeconds = new Histogram({ name: 'regrant_check_duration_seconds', help: 'How long a health check took, by provider.', labelNames: ['provider'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
  const ownEmails = new Counter({ name: 'regrant_alert_emails_total', help: "Delivery attempts of Regrant's own emails by kind and outcome (sent, failed, logged without NOTIFY_SMTP_URL).", labelNames: ['kind', 'outcome'], registers });
  const linksCreated = new Counter({ name: 'regrant_share_links_created_total', help: 'Share links created.', registers });
  const linksUsed = new Counter({ name: 'regrant_share_links_used_total', help: 'Share links used up by a successful re-grant.', registers });
  const requests = new Counter({ name: 'regrant_http_requests_total', help: 'HTTP requests by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers });
  const requestSeconds = new Histogram({ name: 'regrant_http_request_duration_seconds', help: 'HTTP request durations by method and route pattern.', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers });

  // The series whose labels follow the data exist from the start, at zero.
  const outcomes = checkOutcomes();
  const outcomeKeys = new Set(outcomes.map((o) => `${o.verdict}|${o.reason}`));
  for (const o of outcomes) checks.inc(o, 0);
  for (const provider of PROVIDER_LABELS) checkSeconds.zero({ provider });
  for (const kind of MAIL_KIND_LABELS) for (const outcome of ['sent', 'failed', 'logged']) ownEmails.inc({ kind, outcome }, 0);
  linksCreated.inc(0);
  linksUsed.inc(0);
  let routes = new Set<string>();
  // Every request counts into one series of each: found once by its labels, not hashed anew each time.
  const requestSeries = new Map<string, { count: { inc(): void }; seconds: { observe(value: number): void } }>();

  function countCheck(found: CheckFinding): void {
    const list = found === null ? [] : Array.isArray(found) ? found : [found];
    const worst = list.reduce<{ verdict: string; code: string } | null>((a, b) => (!a || (SEVERITY[b.verdict] ?? 0) > (SEVERITY[a.verdict] ?? 0) ? b : a), null);
    const verdict = worst?.verdict ?? 'ok';
    const reason = worst?.code ?? 'none';
    checks.inc(outcomeKeys.has(`${verdict}|${reason}`) ? { verdict, reason } : { verdict: bounded(['needs_reauth', 'admin_action', 'transient'], verdict), reason: OTHER });
  }

  async function readDatabase(): Promise<void> {
    const now = new Date();
    const [boxes, late, held, own] = await Promise.all([mailboxCounts(db), checksOverdue(db, now, intervalSeconds), outboxByMailboxState(db), mailQueueWaiting(db)]);
    for (const state of STATE_LABELS) for (const provider of PROVIDER_LABELS) mailboxes.set({ state, provider }, 0);
    for (const b of boxes) mailboxes.set({ state: bounded(STATE_LABELS, b.state), provider: bounded(PROVIDER_LABELS, b.provider) }, b.count);
    overdue.set(late);
    for (const state of STATE_LABELS) {
      const row = held.find((h) => h.mailboxState === state);
      outbox.set({ mailbox_state: state }, row?.waiting ?? 0);
      outboxAge.set({ mailbox_state: state }, ageSeconds(row?.oldestAt ?? null, now));
    }
    for (const kind of MAIL_KIND_LABELS) {
      const row = own.find((o) => o.kind === kind);
      ownWaiting.set({ kind }, row?.waiting ?? 0);
      ownFailing.set({ kind }, row?.failing ?? 0);
    }
    const oldest = own.map((o) => o.oldestAt).filter((t): t is string => t !== null).sort()[0] ?? null;
    ownAge.set(ageSeconds(oldest, now));
  }

  return {
    registry,
    contentType: registry.contentType,

    /** Runs a health check's probe, timing it by provider and counting its verdict and reason. */
    async timeCheck<T extends CheckFinding>(provider: string, probe: () => Promise<T>): Promise<T> {
      const end = checkSeconds.startTimer({ provider: bounded(PROVIDER_LABELS, provider) });
      try {
        const found = await probe();
        countCheck(found);
        return found;
      } finally {
        end();
      }
    },

    /** One delivery attempt of one of Regrant's own emails. */
    ownEmail(kind: string, outcome: MailOutcome): void {
      ownEmails.inc({ kind: bounded(MAIL_KIND_LABELS, kind), outcome });
    },

    shareLinkCreated(): void {
      linksCreated.inc();
    },

    shareLinkUsed(): void {
      linksUsed.inc();
    },

    /** The app's route patterns, once it is built: the only route labels there will be. */
    knowRoutes(patterns: Iterable<string>): void {
      routes = new Set(patterns);
      requestSeries.clear();
    },

    /** An answered HTTP request; `route` is its Hono pattern, or null when no route matched. */
    httpRequest(method: string, route: string | null, status: number, seconds: number): void {
      const key = `${method} ${route} ${status}`;
      let series = requestSeries.get(key);
      if (!series) {
        const m = bounded(METHOD_LABELS, method);
        const r = route !== null && routes.has(route) ? route : UNMATCHED_ROUTE;
        series = { count: requests.labels({ method: m, route: r, status: bounded(STATUS_LABELS, String(status)) }), seconds: requestSeconds.labels({ method: m, route: r }) };
        // Bounded anyway (methods × routes × statuses), but a flood of odd methods must not grow it.
        if (requestSeries.size < 2000) requestSeries.set(key, series);
      }
      series.count.inc();
      series.seconds.observe(seconds);
    },

    /** The Prometheus text: the database's figures read now, then every series. */
    async scrape(): Promise<string> {
      await readDatabase();
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `metrics.timeCheck` when there are metrics, else the probe alone: the health engine works
 * the same with or without them.
 */
export function timeCheck<T extends CheckFinding>(metrics: Pick<Metrics, 'timeCheck'> | undefined, provider: string, probe: () => Promise<T>): Promise<T> {
  return metrics ? metrics.timeCheck(provider, probe) : probe();
}
