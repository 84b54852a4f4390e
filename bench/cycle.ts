/**
 * A health-check cycle of 10,000 custom mailboxes on a local smtp-server and Dovecot at
 * CHECK_CONCURRENCY (default 50): mailboxes checked per second, Regrant against a bare script
 * doing the same logins with the same libraries, options and concurrency.
 *
 * Both run as `npm start` runs the server: compiled JavaScript under plain node in its own process, started
 * fresh for each run, timed from the moment the work is handed to it (Regrant: every
 * mailbox made due in its database; bare: "go" on its standard input) to the end of the
 * last check (Regrant: the latest `last_checked_at`). Start-up is not in the time. Runs
 * alternate, bare first; the figure is the ratio of the medians.
 *
 * The test smtp-server waits ~100 ms before its greeting (smtp-server's early-talker check),
 * so each SMTP login takes at least that long on both sides.
 *
 *   npx tsx bench/cycle.ts               3 runs each of 10,000 mailboxes
 *   MAILBOXES=2000 RUNS=1 npx tsx bench/cycle.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, num, report, runsOf } from './figures.ts';
import { bareRun } from './support/bare-run.ts';
import { cpuMsOf, memoryOf, seedDatabase, settingsOf, spawnRegrant, startMailServers, type MailServers, type SeededData } from './support/mailboxes.ts';

const MAILBOXES = Number(process.env.MAILBOXES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const CONCURRENCY = process.env.CHECK_CONCURRENCY ?? '50';
const TIMEOUT_SECONDS = '30'; // the server's default CHECK_TIMEOUT_SECONDS

/** CPU ms per mailbox each side's process spent in its runs: less noisy than the rates on a shared machine. */
const cpu = { bare: [] as number[], regrant: [] as number[] };
/** Each side's peak RSS (VmHWM) over its run, MB: a reference for bench/memory.ts. */
const peak = { bare: [] as number[], regrant: [] as number[] };

async function bareRunOnce(file: string): Promise<number> {
  const run = await bareRun(file, MAILBOXES, CONCURRENCY, TIMEOUT_SECONDS);
  cpu.bare.push(run.cpuMsPerMailbox);
  peak.bare.push(run.peakMb);
  return run.rate;
}

async function regrantRun(data: SeededData): Promise<number> {
  const server = await spawnRegrant(data, { CHECK_CONCURRENCY: CONCURRENCY, CHECK_TIMEOUT_SECONDS: TIMEOUT_SECONDS });
  let lastCheckedMs: number, connected: number, start: number;
  try {
    const cpuBefore = cpuMsOf(server.pid);
    start = await data.makeDue();
    ({ lastCheckedMs, connected } = await Promise.race([data.cycleDone(start), server.died]));
    cpu.regrant.push((cpuMsOf(server.pid) - cpuBefore) / MAILBOXES);
    peak.regrant.push(memoryOf(server.pid).hwmMb);
  } finally {
    await server.stop();
  }
  if (connected !== MAILBOXES) throw new Error(`Regrant: only ${connected} of ${MAILBOXES} mailboxes connected`);
  return MAILBOXES / ((lastCheckedMs - start) / 1000);
}

const mail: MailServers = await startMailServers(MAILBOXES);
const data = await seedDatabase(mail);
const file = path.join(data.dataDir, 'mailboxes.json');
writeFileSync(file, JSON.stringify(mail.mailboxes.map((m) => settingsOf(mail, m))));

const bare: number[] = [];
const regrant: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    bare.push(await bareRunOnce(file));
    console.log(`run ${run + 1}: bare script ${num(bare.at(-1)!)} mailboxes/s, ${cpu.bare.at(-1)!.toFixed(2)} CPU ms per mailbox, peak RSS ${num(peak.bare.at(-1)!)} MB`);
    regrant.push(await regrantRun(data));
    console.log(`run ${run + 1}: Regrant ${num(regrant.at(-1)!)} mailboxes/s, ${cpu.regrant.at(-1)!.toFixed(2)} CPU ms per mailbox, peak RSS ${num(peak.regrant.at(-1)!)} MB`);
  }
} finally {
  await data.remove();
  await mail.stop();
}

console.log(`CPU per mailbox checked, median: Regrant's process ${median(cpu.regrant).toFixed(2)} ms, the bare script's ${median(cpu.bare).toFixed(2)} ms`);
const ratio = median(regrant) / median(bare);
const rate = (r: number) => num(r);
report({
  name: `health-check cycle, ${num(MAILBOXES)} custom mailboxes, local smtp-server + Dovecot, CHECK_CONCURRENCY ${CONCURRENCY}`,
  value: `${num(median(regrant))} mailboxes/s`,
  reference: `bare nodemailer + imapflow logins: ${num(median(bare))} mailboxes/s`,
  ratio,
  goal: '≥ 0.8 of the bare script',
  met: ratio >= 0.8,
  runs: `Regrant ${runsOf(regrant, rate)}; bare ${runsOf(bare, rate)}`,
});
