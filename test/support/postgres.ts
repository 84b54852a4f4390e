/**
 * A throwaway PostgreSQL cluster for tests: Debian's `postgresql` binaries, initdb and pg_ctl
 * run as the `postgres` user (when we are root), on a free loopback port with a socket folder
 * of its own, fsync off; ready in about a second, removed afterwards. Every test database is
 * a fresh `CREATE DATABASE` on it.
 *
 * @example
 *   const cluster = await startPostgresCluster();
 *   const url = await createDatabase(cluster.url); // postgres://postgres@127.0.0.1:PORT/rg_…
 *   await cluster.stop();
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';

/** The newest `bin` folder of Debian's postgresql packages, or null when none is installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

export interface PostgresCluster {
  /** The `postgres` database of the cluster, as its superuser. */
  url: string;
  port: number;
  /**
   * Stops the server as a restart does: every connection is cut at once (`-m fast`), committed
   * data stays. (Not `-m immediate`: with synchronous_commit off, as here for speed, a crash
   * may lose the last seconds of commits, which no test of Regrant should have to allow for.)
   */
  down(): void;
  /** Starts it again on the same port. */
  up(): void;
  /** Stops it and removes it. */
  stop(): Promise<void>;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: sudo apt-get install -y postgresql');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-pg-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  mkdirSync(socket);
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  const owner = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) : null;
  if (owner !== null) {
    const group = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, owner, group);
    chownSync(socket, owner, group);
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    execFileSync(cmd, argv, { stdio: 'pipe', cwd: dir });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [`-p ${port}`, `-k ${socket}`, "-c listen_addresses=127.0.0.1", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=400'].join(' ');
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  const stopNow = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    down: stopNow,
    up: start,
    async stop() {
      try {
        if (existsSync(path.join(data, 'postmaster.pid'))) stopNow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new empty database on the cluster at `adminUrl`, answered as its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `rg_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
