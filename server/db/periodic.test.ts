import { afterEach, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Db } from './index.ts';
import { claimPeriodicRun } from './periodic.ts';

let db: Db;
afterEach(() => db?.destroy());

it('one of several instances asking at the same moment takes the run, and the next period is free again', async () => {
  db = await openTestDatabase();
  const now = new Date('2026-12-04T12:00:00Z');
  const asked = await Promise.all(['ins_a', 'ins_b', 'ins_c', 'ins_d'].map((me) => claimPeriodicRun(db, 'inbox.sweep', 300_000, me, now)));
  expect(asked.filter(Boolean)).toHaveLength(1);
  // A minute later nobody runs it; a period later (a timer's slack allowed) one does.
  const later = new Date(now.getTime() + 60_000);
  expect(await claimPeriodicRun(db, 'inbox.sweep', 300_000, 'ins_b', later)).toBe(false);
  const next = new Date(now.getTime() + 299_000);
  expect(await claimPeriodicRun(db, 'inbox.sweep', 300_000, 'ins_b', next)).toBe(true);
  const row = await db.selectFrom('periodic_runs').selectAll().where('name', '=', 'inbox.sweep').executeTakeFirstOrThrow();
  expect(row.ran_by).toBe('ins_b');
  // Another job has a period of its own.
  expect(await claimPeriodicRun(db, 'reauth.housekeeping', 3600_000, 'ins_c', later)).toBe(true);
});
