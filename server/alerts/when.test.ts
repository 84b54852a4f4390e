import { describe, expect, it } from 'vitest';
import { ago, clockTime, when } from './when.ts';

describe('times in alerts', () => {
  it('says the clock time in the configured zone, with its name', () => {
    expect(clockTime('2026-12-04T18:00:00.000Z', 'UTC')).toBe('2026-12-04 18:00 UTC');
    expect(clockTime('2026-12-04T18:00:00.000Z', 'Europe/Berlin')).toBe('2026-12-04 19:00 CET');
    expect(clockTime('2026-07-04T18:00:00.000Z', 'America/New_York')).toMatch(/^2026-07-04 14:00 (EDT|GMT-4)$/);
  });

  it('says how long ago, in the largest whole unit', () => {
    const now = new Date('2026-12-04T20:05:00Z');
    expect(ago('2026-12-04T18:00:00.000Z', now)).toBe('2 hours ago');
    expect(ago('2026-12-04T20:04:00.000Z', now)).toBe('1 minute ago');
    expect(ago('2026-12-04T20:04:50.000Z', now)).toBe('just now');
    expect(ago('2026-12-01T20:00:00.000Z', now)).toBe('3 days ago');
    expect(when('2026-12-04T18:00:00.000Z', 'UTC', now)).toBe('2026-12-04 18:00 UTC (2 hours ago)');
  });
});
