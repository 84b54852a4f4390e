/**
 * Data at rest is closed to other local users: after start, DATA_DIR is 0700 and the database,
 * its -wal/-shm and everything else in it 0600, whatever the umask; a folder made wider before
 * (0755, a 0644 database) is tightened at start, and the log says what was changed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { onTestPostgres } from '../support/database.ts';
import { openDatabase } from '../../server/db/index.ts';
import { createLogger } from '../../server/log/index.ts';
import { startRegrant, type TestRegrant } from '../support/regrant.ts';

const mode = (p: string) => `0${(statSync(p).mode & 0o777).toString(8)}`;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(dataDir: string): Promise<{ rg: TestRegrant; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const rg = await startRegrant({ DATA_DIR: dataDir }, { logger: createLogger((l) => lines.push(JSON.parse(l))) });
  cleanups.push(() => rg.destroy());
  // One write, so the -wal and -shm files are there to look at.
  await rg.users.add({ email: 'ann@acme.test', role: 'admin' });
  return { rg, lines };
}

// The modes of SQLite's files: with PostgreSQL there are none in DATA_DIR.
it.skipIf(onTestPostgres())('a new DATA_DIR is 0700 and everything in it 0600, even under umask 000', async () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'regrant-modes-'));
  cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
  const dataDir = path.join(parent, 'data');
  const before = process.umask(0);
  try {
    const { lines } = await start(dataDir);
    expect(mode(dataDir)).toBe('0700');
    for (const name of ['regrant.sqlite', 'regrant.sqlite-wal', 'regrant.sqlite-shm', 'secret.key']) expect([name, mode(path.join(dataDir, name))]).toEqual([name, '0600']);
    // Nothing needed tightening: it was made right.
    expect(lines.filter((l) => l.event === 'data_dir.tightened')).toEqual([]);
  } finally {
    process.umask(before);
  }
});

it.skipIf(onTestPostgres())('a folder created 0755 with a 0644 database is tightened at start, with a log line', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-wide-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const db = await openDatabase(`sqlite://${path.join(dataDir, 'regrant.sqlite')}`);
  await db.destroy();
  chmodSync(dataDir, 0o755);
  chmodSync(path.join(dataDir, 'regrant.sqlite'), 0o644);
  writeFileSync(path.join(dataDir, 'backup.csv'), 'email\n', { mode: 0o644 });
  mkdirSync(path.join(dataDir, 'old'), { mode: 0o755 });
  chmodSync(path.join(dataDir, 'old'), 0o755);
  expect([mode(dataDir), mode(path.join(dataDir, 'regrant.sqlite'))]).toEqual(['0755', '0644']);

  const { lines } = await start(dataDir);
  expect(mode(dataDir)).toBe('0700');
  expect(mode(path.join(dataDir, 'old'))).toBe('0700');
  for (const name of ['regrant.sqlite', 'regrant.sqlite-wal', 'regrant.sqlite-shm', 'secret.key', 'backup.csv']) expect([name, mode(path.join(dataDir, name))]).toEqual([name, '0600']);
  const tightened = lines.filter((l) => l.event === 'data_dir.tightened').map((l) => [path.relative(dataDir, String(l.path)) || '.', l.from, l.to]);
  expect(tightened).toEqual(expect.arrayContaining([['.', '0755', '0700'], ['regrant.sqlite', '0644', '0600'], ['backup.csv', '0644', '0600'], ['old', '0755', '0700']]));
  expect(lines.find((l) => l.event === 'data_dir.tightened')!.level).toBe('warn');
});
