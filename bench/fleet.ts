/**
 * The health-check cycle of 10,000 custom mailboxes (bench/cycle.ts) by one and by two
 * instances on one PostgreSQL database, and by one instance on SQLite, in the same run against
 * the same bare floor (the same logins by a plain script). Each instance runs as `npm start`
 * runs it, at CHECK_CONCURRENCY 50 (two instances: 50 each, as a fleet would be deployed); the
 * time runs from every mailbox made due to the last check judged. PostgreSQL is a throwaway
 * cluster on this machine (test/support/postgres.ts), fsync off like the tests'.
 *
 *   npx tsx bench/fleet.ts                 1 run of each, 10,000 mailboxes
 *   MAILBOXES=2000 RUNS=3 npx tsx bench/fleet.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, num, report, runsOf } from './figures.ts';
import { bareRun } from './support/bare-run.ts';
import { cpuMsOf, seedDatabase, settingsOf, spawnRegrant, startMailServers, type SeededData } from './support/mailboxes.ts';
import { createDatabase, startPostgresCluster } from '../test/support/postgres.ts';

const MAILBOXES = Number(process.env.MAILBOXES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 1);
const CONCURRENCY = '50';
const TIMEOUT_SECONDS = '30';

/** Mailboxes checked per second by `instances` servers on `data`'s database, and their CPU ms per mailbox. */
async function regrantRun(data: SeededData, instances: number): Promise<{ rate: number; cpuMs: number }> {
  const servers = [];
  try {
    for (let i = 0; i < instances; i++) servers.push(await spawnRegrant(data, { CHECK_CONCURRENCY: CONCURRENCY, CHECK_TIMEOUT_SECONDS: TIMEOUT_SECONDS }));
    const cpuBefore = servers.map((s) => cpuMsOf(s.pid));
    const start = await data.makeDue();
    const { lastCheckedMs, connected } = await Promise.race([data.cycleDone(start), ...servers.map((s) => s.died)]);
    const cpuMs = servers.reduce((sum, s, i) => sum + cpuMsOf(s.pid) - cpuBefore[i], 0) / MAILBOXES;
    if (connected !== MAILBOXES) throw new Error(`Regrant: only ${connected} of ${MAILBOXES} mailboxes connected`);
    return { rate: MAILBOXES / ((lastCheckedMs - start) / 1000), cpuMs };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const mail = await startMailServers(MAILBOXES);
const cluster = await startPostgresCluster();
const onSqlite = await seedDatabase(mail);
const onPostgres = await seedDatabase(mail, await createDatabase(cluster.url));
const file = path.join(onSqlite.dataDir, 'mailboxes.json');
writeFileSync(file, JSON.stringify(mail.mailboxes.map((m) => settingsOf(mail, m))));

const rates = { bare: [] as number[], sqlite: [] as number[], pg1: [] as number[], pg2: [] as number[] };
const cpu = { sqlite: [] as number[], pg1: [] as number[], pg2: [] as number[] };
try {
  for (let run = 1; run <= RUNS; run++) {
    rates.bare.push((await bareRun(file, MAILBOXES, CONCURRENCY, TIMEOUT_SECONDS)).rate);
    console.log(`run ${run}: bare script ${num(rates.bare.at(-1)!)} mailboxes/s`);
    for (const [key, data, instances, label] of [
      ['sqlite', onSqlite, 1, 'one instance on SQLite'],
      ['pg1', onPostgres, 1, 'one instance on PostgreSQL'],
      ['pg2', onPostgres, 2, 'two instances on PostgreSQL'],
    ] as const) {
      const { rate, cpuMs } = await regrantRun(data, instances);
      rates[key].push(rate);
      cpu[key].push(cpuMs);
      console.log(`run ${run}: ${label} ${num(rate)} mailboxes/s, ${cpuMs.toFixed(2)} CPU ms per mailbox (all instances)`);
    }
  }
} finally {
  await Promise.all([onSqlite.remove(), onPostgres.remove()]);
  await cluster.stop();
  await mail.stop();
}

const rate = (r: number) => num(r);
const cpuNote = (key: keyof typeof cpu) => `${median(cpu[key]).toFixed(2)} CPU ms per mailbox`;
const what = `health-check cycle, ${num(MAILBOXES)} custom mailboxes, CHECK_CONCURRENCY ${CONCURRENCY} per instance`;
report({
  name: `${what}, one instance on PostgreSQL (${cpuNote('pg1')})`,
  value: `${num(median(rates.pg1))} mailboxes/s`,
  reference: `bare logins: ${num(median(rates.bare))} mailboxes/s`,
  ratio: median(rates.pg1) / median(rates.bare),
  goal: '≥ 0.8 of the bare script',
  met: median(rates.pg1) / median(rates.bare) >= 0.8,
  runs: `PostgreSQL ${runsOf(rates.pg1, rate)}; bare ${runsOf(rates.bare, rate)}`,
});
report({
  name: `${what}, two instances on one PostgreSQL (${cpuNote('pg2')})`,
  value: `${num(median(rates.pg2))} mailboxes/s`,
  reference: `one instance on PostgreSQL: ${num(median(rates.pg1))} mailboxes/s`,
  ratio: median(rates.pg2) / median(rates.pg1),
  goal: '≥ 1.6× one instance where the machine allows it',
  met: median(rates.pg2) / median(rates.pg1) >= 1.6,
  runs: runsOf(rates.pg2, rate),
});
report({
  name: `${what}, one instance on SQLite (${cpuNote('sqlite')})`,
  value: `${num(median(rates.sqlite))} mailboxes/s`,
  reference: `bare logins: ${num(median(rates.bare))} mailboxes/s`,
  ratio: median(rates.sqlite) / median(rates.bare),
  runs: runsOf(rates.sqlite, rate),
});
