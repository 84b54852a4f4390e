/**
 * Server memory with 10,000 custom mailboxes in the database: the resident size (VmRSS from
 * /proc) of the process `npm start` runs (`node dist/server/main.js`, compiled first)
 * during a whole check cycle of all of them on a local smtp-server + Dovecot (its peak,
 * VmHWM, which also covers start-up; the largest 250 ms sample within the cycle is printed
 * too), and idle afterwards (median of samples over IDLE_SECONDS, GC left to itself).
 * References in the same run: plain node that loads nothing, and compiled JavaScript under node
 * that only serves a bare Hono route, so the runtime's own share shows.
 *
 *   npx tsx bench/memory.ts
 *   MAILBOXES=2000 RUNS=1 npx tsx bench/memory.ts
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { median, num, report, runsOf } from './figures.ts';
import { compileScript, memoryOf, seedDatabase, spawnNode, spawnRegrant, startMailServers } from './support/mailboxes.ts';

const MAILBOXES = Number(process.env.MAILBOXES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Median VmRSS of `pid` sampled every 500 ms for `seconds`. */
async function idleRss(pid: number, seconds: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < seconds * 2; i++) {
    await sleep(500);
    samples.push(memoryOf(pid).rssMb);
  }
  return median(samples);
}

/** A reference process under plain node, idle for a few seconds: its median RSS. */
async function referenceRss(kind: 'node' | 'hono'): Promise<number> {
  if (kind === 'node') {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
    await sleep(1000);
    const rss = await idleRss(child.pid!, 3);
    child.kill();
    return rss;
  }
  const proc = await spawnNode([compileScript('bench/support/idle-process.ts'), 'hono'], {}, 'pipe');
  await createInterface({ input: proc.child.stdout! })[Symbol.asyncIterator]().next();
  const rss = await idleRss(proc.pid, 3);
  await proc.stop();
  return rss;
}

const mail = await startMailServers(MAILBOXES);
const data = await seedDatabase(mail);
const during: number[] = [];
const idle: number[] = [];
/** RSS once started (before the cycle), and the largest of the samples taken during the cycle. */
const started: number[] = [];
const sampled: number[] = [];
const refs = { node: [] as number[], hono: [] as number[] };
try {
  for (let run = 0; run < RUNS; run++) {
    for (const kind of ['node', 'hono'] as const) refs[kind].push(await referenceRss(kind));
    const server = await spawnRegrant(data);
    try {
      const beforeCycle = memoryOf(server.pid);
      let sampling = true;
      const sampler = (async () => {
        let most = 0;
        for (; sampling; await sleep(250)) most = Math.max(most, memoryOf(server.pid).rssMb);
        return most;
      })();
      const start = await data.makeDue();
      const { connected } = await Promise.race([data.cycleDone(start), server.died]).finally(() => (sampling = false));
      if (connected !== MAILBOXES) throw new Error(`only ${connected} of ${MAILBOXES} mailboxes connected`);
      during.push(memoryOf(server.pid).hwmMb);
      sampled.push(await sampler);
      started.push(beforeCycle.rssMb);
      idle.push(await idleRss(server.pid, IDLE_SECONDS));
    } finally {
      await server.stop();
    }
    console.log(`run ${run + 1}: started ${num(started.at(-1)!)} MB; during the cycle ${num(during.at(-1)!)} MB peak (VmHWM, start-up included; largest sample in the cycle ${num(sampled.at(-1)!)} MB), idle ${num(idle.at(-1)!)} MB; references: node ${num(refs.node.at(-1)!)} MB, node + Hono ${num(refs.hono.at(-1)!)} MB`);
  }
} finally {
  await data.remove();
  await mail.stop();
}

const mb = (x: number) => num(x);
const reference = `idle processes: node ${num(median(refs.node))} MB, node + bare Hono server (compiled) ${num(median(refs.hono))} MB`;
report({ name: `server RSS, ${num(MAILBOXES)} mailboxes, idle after a cycle`, value: `${num(median(idle))} MB`, reference, goal: '≤ 150 MB', met: median(idle) <= 150, runs: runsOf(idle, mb) });
report({ name: `server RSS, ${num(MAILBOXES)} mailboxes, peak (VmHWM) up to the end of a check cycle`, value: `${num(median(during))} MB`, reference, goal: '≤ 250 MB', met: median(during) <= 250, runs: runsOf(during, mb) });
