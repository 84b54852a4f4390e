/**
 * `npm start` runs compiled JavaScript under plain node: the first start of a fresh copy builds
 * dist/server by itself, a changed source is rebuilt before it runs, and stack traces point at
 * the TypeScript sources. Each test works on its own copy of the project's sources, so the
 * checkout's own dist/ is never touched while other tests run it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, waitForPort } from '../support/ports.ts';

const SPAWNS = 60_000;
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh clone's worth of what the server build reads, with the installed node_modules. */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-build-'));
  copies.push(dir);
  for (const part of ['server', 'shared', 'scripts', 'package.json']) cpSync(part, path.join(dir, part), { recursive: true });
  symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const build = (dir: string) => spawnSync('node', ['scripts/build-server.mjs'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

/** The command lines of a process and all its descendants, read from /proc. */
function processTree(rootPid: number): string[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree.map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return '';
    }
  });
}

it('npm start on a fresh copy builds the server and serves it under plain node, with no tsx anywhere in its process tree', async () => {
  const dir = freshCopy();
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const server = spawn('npm', ['start', '--silent'], { cwd: dir, env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) }, stdio: 'pipe', detached: true });
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    await waitForPort(port, 30_000, () => server.exitCode !== null);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
    expect(stderr).toContain('built the server into dist/server');
    const commands = processTree(server.pid!).filter(Boolean);
    // Plain node with its flags (source maps, heap sizes), running the compiled entry point.
    expect(commands.some((c) => /^node( --[\w-]+(=\S+)?)* dist\/server\/main\.js$/.test(c) && c.includes('--enable-source-maps'))).toBe(true);
    expect(commands.filter((c) => /tsx/.test(c))).toEqual([]);
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
  }
}, SPAWNS);

it('a build whose sources did not change is kept; a changed source is rebuilt before it runs', () => {
  const dir = freshCopy();
  expect(build(dir).stderr).toContain('built the server');
  const again = build(dir);
  expect(again.status).toBe(0);
  expect(again.stderr).toBe('');

  // As after a git pull that changed a module the entry point imports.
  const file = path.join(dir, 'server/cli/commands.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace('Usage:', 'How to use it:'));
  expect(readFileSync(path.join(dir, 'dist/server/cli.js'), 'utf8')).not.toContain('How to use it:');
  expect(build(dir).stderr).toContain('built the server');
  expect(readFileSync(path.join(dir, 'dist/server/cli.js'), 'utf8')).toContain('How to use it:');
}, SPAWNS);

it('stack traces of the compiled server point at the TypeScript sources', () => {
  const dir = freshCopy();
  build(dir);
  const js = readFileSync(path.join(dir, 'dist/server/main.js'), 'utf8').split('\n');
  const line = js.findIndex((l) => l.includes('"listening"'));
  expect(line).toBeGreaterThan(0);
  const map = new SourceMap(JSON.parse(readFileSync(path.join(dir, 'dist/server/main.js.map'), 'utf8')));
  const origin = map.findEntry(line, js[line].indexOf('"listening"')) as SourceMapping;
  expect(origin.originalSource).toMatch(/server\/main\.ts$/);
  const source = readFileSync(path.join(dir, 'server/main.ts'), 'utf8').split('\n');
  expect(source[origin.originalLine]).toContain("'listening'");
}, SPAWNS);
