import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { repeat } from './repeat.ts';

describe('asking again and again', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks after each wait while the answer is true', async () => {
    const answers = [true, true, false];
    const ask = vi.fn(async () => answers.shift()!);
    repeat(ask, 1000);
    expect(ask).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ask).toHaveBeenCalledTimes(3);
  });

  it('asks at most the times given, and goes on after a failed ask', async () => {
    const ask = vi.fn(async () => {
      throw new Error('down');
    });
    repeat(ask, 1000, 4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ask).toHaveBeenCalledTimes(4);
  });

  it('once stopped, asks no more and tells the ask under way', async () => {
    let signal: AbortSignal | undefined;
    const ask = vi.fn(async (s: AbortSignal) => {
      signal = s;
      return true;
    });
    const stop = repeat(ask, 1000);
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(signal?.aborted).toBe(true);
  });
});
