import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/index.ts';
import { DbRateLimitStore } from './rate-limit-store.ts';

let db: Db;
let t: number;
const clock = () => t;

function store(name = 'test', windowMs = 60_000) {
  const s = new DbRateLimitStore(db, name, clock);
  s.init({ windowMs });
  return s;
}

beforeEach(async () => {
  db = await openTestDatabase();
  t = Date.parse('2026-03-01T10:00:00Z');
});
afterEach(() => db.destroy());

describe('DbRateLimitStore', () => {
  it('counts hits in a window and starts a new one when it has ended', async () => {
    const s = store();
    expect(await s.increment('a')).toEqual({ totalHits: 1, resetTime: new Date('2026-03-01T10:01:00Z') });
    t += 30_000;
    expect(await s.increment('a')).toEqual({ totalHits: 2, resetTime: new Date('2026-03-01T10:01:00Z') });
    t += 30_000;
    expect(await s.increment('a')).toEqual({ totalHits: 1, resetTime: new Date('2026-03-01T10:02:00Z') });
  });

  it('is shared by every process on the database, and limits with other names never meet', async () => {
    const [one, two, other] = [store(), store(), store('other')];
    await one.increment('192.0.2.1');
    await two.increment('192.0.2.1');
    expect((await one.increment('192.0.2.1')).totalHits).toBe(3);
    expect((await other.increment('192.0.2.1')).totalHits).toBe(1);
    expect((await one.increment('192.0.2.2')).totalHits).toBe(1);
  });

  it('loses no hit when many arrive at once', async () => {
    const s = store();
    const hits = await Promise.all(Array.from({ length: 40 }, () => s.increment('a')));
    expect(hits.map((h) => h.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('gives back a hit, never below zero and never into the next window', async () => {
    const s = store();
    await s.increment('a');
    await s.decrement('a');
    await s.decrement('a');
    expect(await s.get('a')).toMatchObject({ totalHits: 0 });
    await s.increment('a');
    t += 60_000;
    await s.decrement('a');
    expect(await s.get('a')).toBeUndefined();
    expect((await s.increment('a')).totalHits).toBe(1);
    await s.resetKey('a');
    expect(await s.get('a')).toBeUndefined();
  });

  it('sweeps ended windows away, so a flood of addresses does not stay in the table', async () => {
    const s = store();
    for (let i = 0; i < 50; i++) await s.increment(`10.0.0.${i}`);
    t += 60_000;
    await s.increment('10.0.1.1');
    const rows = await db.selectFrom('rate_limits').select('key').execute();
    expect(rows.map((r) => r.key)).toEqual(['test:10.0.1.1']);
  });
});
