/**
 * The README's promises, run as a person would: `npm run regrant -- user add …` prints a token
 * as its last line, and `npm start` serves the API that token opens.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Each command starts npm and node (and the first builds dist/server): allow for it on a busy 2-core machine.
const SPAWNS = 60_000;
import { freePort, waitForPort } from '../support/ports.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
// The first command of a fresh clone compiles the server and says so on standard error; these
// tests read the commands' own output (build.test.ts covers the build).
beforeAll(() => void spawnSync('node', ['scripts/build-server.mjs'], { timeout: 30_000 }), SPAWNS);

const cli = (...args: string[]) =>
  spawnSync('npm', ['run', '--silent', 'regrant', '--', ...args], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 30_000 });

it('user add prints the token last; the server started with npm start accepts it', async () => {
  const added = cli('user', 'add', '--email', 'Ann@Acme.test', '--role', 'admin', '--name', 'Ann');
  expect(added.stderr).toBe('');
  expect(added.status).toBe(0);
  const token = added.stdout.trim().split('\n').at(-1)!;
  expect(token).toMatch(/^rg_[A-Za-z0-9_-]{43}$/);
  expect(cli('user', 'list').stdout).toContain('admin   ann@acme.test  (Ann)');

  const port = await freePort();
  const server = spawn('npm', ['start', '--silent'], { env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) }, stdio: 'pipe', detached: true });
  try {
    await waitForPort(port, 20_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const status = await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ version: expect.any(Number), counts: { total: 0, connected: 0, needsReauth: 0, unreachable: 0 }, accounts: [], serverDegraded: false });
    const refused = await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: 'Bearer rg_wrong' } });
    expect(refused.status).toBe(401);
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
  }
}, SPAWNS);

it('token create, list and revoke work from the command line', () => {
  const created = cli('token', 'create', '--email', 'ann@acme.test', '--label', 'laptop');
  expect(created.status).toBe(0);
  const id = /New API token (tok_\w+)/.exec(created.stdout)![1];
  expect(cli('token', 'list', '--email', 'ann@acme.test').stdout).toMatch(new RegExp(`${id}\\s+active\\s+expires never\\s+last used never\\s+laptop`));
  const expiring = cli('token', 'create', '--email', 'ann@acme.test', '--expires-in-days', '30');
  expect(expiring.status).toBe(0);
  const expiringId = /New API token (tok_\w+)/.exec(expiring.stdout)![1];
  expect(expiring.stdout).toMatch(/expiring 20\d\d-/);
  expect(cli('token', 'list', '--email', 'ann@acme.test').stdout).toMatch(new RegExp(`${expiringId}\\s+active\\s+expires 20\\d\\d-`));
  expect(cli('token', 'revoke', '--id', id).status).toBe(0);
  expect(cli('token', 'list', '--email', 'ann@acme.test').stdout).toMatch(new RegExp(`${id}\\s+revoked`));
}, SPAWNS);

it('mistakes get a message and the usage, with exit code 2; a failed command only its message, with 1', () => {
  const badRole = cli('user', 'add', '--email', 'bob@acme.test', '--role', 'owner');
  expect(badRole.status).toBe(2);
  expect(badRole.stderr).toContain('--role must be admin or member (got "owner")');
  expect(badRole.stderr).toContain('Usage:');
  // A command written right that cannot be done says why, without the usage after it.
  const twice = cli('user', 'add', '--email', 'ann@acme.test', '--role', 'member');
  expect(twice.status).toBe(1);
  expect(twice.stderr.trim()).toMatch(/^regrant: a user ann@acme\.test already exists[^\n]*$/);
  expect(twice.stderr).not.toContain('Usage:');
  expect(cli('frobnicate').stderr).toContain('unknown command "frobnicate"');
}, SPAWNS);
