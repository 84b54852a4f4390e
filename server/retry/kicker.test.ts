import { expect, it } from 'vitest';
import { createKicker } from './kicker.ts';

it('kicks during a run make one more run after it, never two at once', async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  const loop = createKicker(async () => {
    active++;
    most = Math.max(most, active);
    runs++;
    await new Promise((r) => setTimeout(r, 20));
    active--;
  }, () => {});
  const first = loop.kick();
  void loop.kick();
  void loop.kick();
  await first;
  expect(runs).toBe(2);
  expect(most).toBe(1);
});

it('a failing run is reported and the next kick runs again', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const loop = createKicker(async () => {
    runs++;
    throw new Error('database away');
  }, (e) => errors.push(e));
  await loop.kick();
  await loop.kick();
  expect(runs).toBe(2);
  expect(errors.map((e) => (e as Error).message)).toEqual(['database away', 'database away']);
});

it('every() runs on its timer until stopped', async () => {
  let runs = 0;
  const loop = createKicker(async () => void runs++, () => {});
  loop.every(10);
  await new Promise((r) => setTimeout(r, 55));
  await loop.stop();
  const seen = runs;
  expect(seen).toBeGreaterThanOrEqual(3);
  await new Promise((r) => setTimeout(r, 30));
  expect(runs).toBe(seen);
});
