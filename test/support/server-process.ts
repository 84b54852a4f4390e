/**
 * Regrant as its own process (`server/main.ts` under tsx), for tests that kill it mid-work.
 * It runs in its own process group, so a kill takes tsx and node together.
 *
 * @example
 *   const server = spawnServer({ DATA_DIR: dir, PORT: String(port) });
 *   killServer(server, 'SIGKILL');
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_ALLOW_PRIVATE_HOSTS } from './hosts.ts';

const TSX = path.resolve('node_modules/.bin/tsx');

export function spawnServer(env: Record<string, string>): ChildProcess {
  return spawn(TSX, ['server/main.ts'], { env: { ...process.env, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...env }, stdio: 'ignore', detached: true });
}

/** Sends `signal` to the server's process group, if it still runs. */
export function killServer(child: ChildProcess | null, signal: NodeJS.Signals): void {
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
}
