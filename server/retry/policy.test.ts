import { describe, expect, it } from 'vitest';
import { backoff, outboxRetryMs, ownEmailRetryMs } from './policy.ts';

describe('retry policy', () => {
  it("Regrant's own emails wait 30 s, 2 min, 10 min, then an hour each time", () => {
    expect([1, 2, 3, 4, 5, 50].map(ownEmailRetryMs)).toEqual([30_000, 120_000, 600_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('the outbox adds a 30-minute step before going hourly', () => {
    expect([1, 2, 3, 4, 5, 6].map(outboxRetryMs)).toEqual([30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000]);
  });

  it('an attempt count below one waits the first step', () => {
    expect(backoff(5, 10)(0)).toBe(5);
    expect(backoff(5, 10)(-3)).toBe(5);
  });
});
