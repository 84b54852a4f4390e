/**
 * What metrics cost a health-check cycle: 10,000 custom mailboxes on a local smtp-server and
 * Dovecot, Regrant as `npm start` runs it, with METRICS_TOKEN set and /metrics scraped every
 * 15 s while the cycle runs (the first scrape as it starts).
 *
 * The figure is the CPU metrics take, as a share of the CPU the server's process spent on the
 * cycle: the scrapes (how many ran × the CPU of one scrape, measured on the same server right
 * after its cycle, 40 in a row, with the same 10,000 rows) plus the hooks (the cost of
 * `timeCheck` around a check, measured here per call, × the mailboxes). The reference is the
 * same cycle without METRICS_TOKEN (no scrapes, no process and Node collectors; the hooks
 * count anyway): the whole difference, noisier on a shared machine. Runs alternate, without
 * first.
 *
 *   npx tsx bench/metrics.ts                 2 runs each of 10,000 mailboxes
 *   MAILBOXES=2000 RUNS=1 npx tsx bench/metrics.ts
 */
import { createMetrics, type CheckFinding } from '../server/metrics/index.ts';
import { median, num, report, runsOf } from './figures.ts';
import { cpuMsOf, seedDatabase, spawnRegrant, startMailServers, type SeededData } from './support/mailboxes.ts';

const MAILBOXES = Number(process.env.MAILBOXES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 2);
const SCRAPE_EVERY_MS = 15_000;
const TOKEN = 'bench-metrics-token-0123456789';
const env = { CHECK_CONCURRENCY: process.env.CHECK_CONCURRENCY ?? '50', CHECK_TIMEOUT_SECONDS: '30' };

/** CPU ms one timeCheck adds around a probe, measured in this process. */
async function hookMsPerCheck(): Promise<number> {
  const metrics = createMetrics({ db: null as never, intervalSeconds: 300, version: 'bench' });
  const found: CheckFinding[] = [null, { verdict: 'needs_reauth', code: 'smtp_auth_failed' }, [{ verdict: 'transient', code: 'timeout' }]];
  const calls = 200_000;
  const time = async (wrap: boolean) => {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const probe = async () => found[i % 3];
      await (wrap ? metrics.timeCheck('custom', probe) : probe());
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  await time(true); // warm up
  const bare = median([await time(false), await time(false), await time(false)]);
  const wrapped = median([await time(true), await time(true), await time(true)]);
  return Math.max(0, wrapped - bare) / calls;
}

async function cycle(data: SeededData, withMetrics: boolean): Promise<{ cpuMs: number; scrapes: number; scrapeMs: number }> {
  const server = await spawnRegrant(data, withMetrics ? { ...env, METRICS_TOKEN: TOKEN } : env);
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    await res.text();
  };
  try {
    const cpuBefore = cpuMsOf(server.pid);
    const start = await data.makeDue();
    let scrapes = 0;
    let scraping = Promise.resolve();
    const tick = () => {
      scraping = scraping.then(scrape).then(() => void scrapes++);
    };
    if (withMetrics) tick();
    const timer = withMetrics ? setInterval(tick, SCRAPE_EVERY_MS) : null;
    const { connected } = await Promise.race([data.cycleDone(start), server.died]);
    if (timer) clearInterval(timer);
    await scraping;
    const cpuMs = cpuMsOf(server.pid) - cpuBefore;
    if (connected !== MAILBOXES) throw new Error(`only ${connected} of ${MAILBOXES} mailboxes connected`);
    if (!withMetrics) return { cpuMs, scrapes: 0, scrapeMs: 0 };
    // One scrape's CPU on the same server and rows, now that it idles.
    await new Promise((r) => setTimeout(r, 2000));
    const idleBefore = cpuMsOf(server.pid);
    await new Promise((r) => setTimeout(r, 2000));
    const idleMs = cpuMsOf(server.pid) - idleBefore;
    const before = cpuMsOf(server.pid);
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) await scrape();
    const spent = cpuMsOf(server.pid) - before - (idleMs / 2000) * (performance.now() - t0);
    return { cpuMs, scrapes, scrapeMs: Math.max(0, spent) / 40 };
  } finally {
    await server.stop();
  }
}

const hookMs = await hookMsPerCheck();
console.log(`timeCheck adds ${(hookMs * 1000).toFixed(2)} µs of CPU per check`);
const mail = await startMailServers(MAILBOXES);
const data = await seedDatabase(mail);
const share: number[] = [];
const whole: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const off = await cycle(data, false);
    console.log(`run ${run + 1}: without metrics ${num(off.cpuMs)} CPU ms for the cycle`);
    const on = await cycle(data, true);
    const metricsMs = on.scrapes * on.scrapeMs + hookMs * MAILBOXES;
    share.push((100 * metricsMs) / on.cpuMs);
    whole.push((100 * (on.cpuMs - off.cpuMs)) / off.cpuMs);
    console.log(`run ${run + 1}: with metrics ${num(on.cpuMs)} CPU ms; ${on.scrapes} scrapes of ${on.scrapeMs.toFixed(1)} CPU ms each, hooks ${(hookMs * MAILBOXES).toFixed(1)} ms: ${share.at(-1)!.toFixed(2)} % of the cycle; whole difference ${whole.at(-1)!.toFixed(1)} %`);
  }
} finally {
  await data.remove();
  await mail.stop();
}

const pct = (x: number) => `${x.toFixed(2)} %`;
report({
  name: `metrics' CPU during a health-check cycle of ${num(MAILBOXES)} mailboxes, /metrics scraped every 15 s`,
  value: pct(median(share)),
  reference: `whole difference to the cycle without METRICS_TOKEN: ${pct(median(whole))} (runs: ${whole.map(pct).join(', ')})`,
  goal: '< 5 % of the cycle\'s CPU',
  met: median(share) < 5,
  runs: runsOf(share, pct),
});
