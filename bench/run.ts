/**
 * `npm run bench`: runs every benchmark in bench/ one after another (each in its own process,
 * so one's memory and timers cannot slow the next), shows their progress, and prints one
 * table of every figure with the machine it ran on.
 *
 *   npm run bench                 every benchmark
 *   npm run bench -- status popup only these
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Figure } from './figures.ts';

const BENCHMARKS = ['cycle', 'status', 'memory', 'import', 'popup', 'outbox', 'metrics', 'fleet'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const chosen = asked.length ? BENCHMARKS.filter((name) => asked.includes(name)) : BENCHMARKS;
const tsx = path.resolve('node_modules/.bin/tsx');

if (chosen.includes('popup')) {
  console.error('bench: building the extension for the popup benchmark (wxt build)');
  const build = spawnSync(path.resolve('node_modules/.bin/wxt'), ['build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

function runOne(name: string): Promise<{ figures: Figure[]; ok: boolean }> {
  return new Promise((resolve) => {
    const started = performance.now();
    console.error(`\nbench: ${name} …`);
    const child = spawn(tsx, [`bench/${name}.ts`], { env: { ...process.env, REGRANT_BENCH_RUNNER: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const figures: Figure[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('@figure ')) figures.push(JSON.parse(line.slice('@figure '.length)) as Figure);
      else console.error(`  ${line}`);
    });
    child.on('close', (code) => {
      console.error(`bench: ${name} ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      resolve({ figures, ok: code === 0 });
    });
  });
}

const rows: Figure[] = [];
const failed: string[] = [];
for (const name of chosen) {
  const { figures, ok } = await runOne(name);
  rows.push(...figures);
  if (!ok) failed.push(name);
}

const cell = (text: string | undefined) => (text ?? '–').replaceAll('|', '\\|');
const cpus = os.cpus();
console.log(`\nRegrant benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
console.log(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}\n`);
console.log('| figure | median | reference (same run) | ratio | goal | met | runs |');
console.log('| --- | ---: | --- | ---: | --- | :---: | --- |');
for (const f of rows) {
  const met = f.met === undefined ? '–' : f.met ? 'yes' : '**no**';
  console.log(`| ${cell(f.name)} | ${cell(f.value)} | ${cell(f.reference)} | ${f.ratio === undefined ? '–' : f.ratio.toFixed(2)} | ${cell(f.goal)} | ${met} | ${cell(f.runs)} |`);
}
if (failed.length) {
  console.log(`\nfailed: ${failed.join(', ')} (their figures are missing above)`);
  process.exit(1);
}
