import { describe, expect, it } from 'vitest';
import { dayTimeText } from '../../extension/utils/time.ts';

describe('a time on some day', () => {
  const now = new Date(2026, 10, 28, 23, 59);
  const at = (...parts: [number, number, number, number, number]) => new Date(...parts).toISOString();

  it('names today, tomorrow and yesterday by their names', () => {
    expect(dayTimeText(at(2026, 10, 28, 14, 5), now)).toBe('today 14:05');
    expect(dayTimeText(at(2026, 10, 29, 0, 1), now)).toBe('tomorrow 00:01');
    expect(dayTimeText(at(2026, 10, 27, 9, 30), now)).toBe('yesterday 09:30');
  });

  it('gives other days a short date, with the year when it is not this one', () => {
    expect(dayTimeText(at(2026, 10, 20, 8, 0), now)).toBe('20 Nov 08:00');
    expect(dayTimeText(at(2025, 11, 31, 18, 45), now)).toBe('31 Dec 2025 18:45');
  });
});
