import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { changeClock } from './change-clock.ts';
import { openDatabase, type Db } from './index.ts';

let dir: string;
let db: Db;
afterEach(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function open() {
  dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-clock-'));
  db = await openDatabase(`sqlite://${path.join(dir, 'regrant.db')}`);
  return { clock: changeClock(db)!, file: path.join(dir, 'regrant.db') };
}

it('stays the same while only reads run, and moves with a write of this process', async () => {
  const { clock } = await open();
  const before = clock();
  await db.selectFrom('users').selectAll().execute();
  expect(clock()).toBe(before);
  await db.updateTable('users').set({ name: 'x' }).where('id', '=', 'nobody').execute();
  expect(clock()).not.toBe(before);
});

it('moves when another connection (another process: the CLI) commits', async () => {
  const { clock, file } = await open();
  const before = clock();
  const other = new SQLite(file);
  other.prepare('update status_sequence set value = value + 1').run();
  other.close();
  expect(clock()).not.toBe(before);
});

it('a database opened some other way has no clock: nothing may be cached', () => {
  expect(changeClock({} as Db)).toBeNull();
});
