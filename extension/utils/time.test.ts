import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { agoText, clockText, dayTimeText, expiresInText, sinceText } from './time.ts';

const speaks = (language: string) => (fakeBrowser.i18n.getUILanguage = () => language);

describe('a time on some day, as the browser\'s language writes it', () => {
  const now = new Date(2026, 10, 28, 23, 59);
  const at = (...parts: [number, number, number, number, number]) => new Date(...parts).toISOString();

  beforeEach(() => speaks('en-GB'));

  it('names today, tomorrow and yesterday by their names', () => {
    expect(dayTimeText(at(2026, 10, 28, 14, 5), now)).toBe('today 14:05');
    expect(dayTimeText(at(2026, 10, 29, 0, 1), now)).toBe('tomorrow 00:01');
    expect(dayTimeText(at(2026, 10, 27, 9, 30), now)).toBe('yesterday 09:30');
  });

  it('gives other days a short date, with the year when it is not this one', () => {
    expect(dayTimeText(at(2026, 10, 20, 8, 0), now)).toBe('20 Nov 08:00');
    expect(dayTimeText(at(2025, 11, 31, 18, 45), now)).toBe('31 Dec 2025 18:45');
  });

  it('follows the browser: American English and German write the same moments their own way', () => {
    speaks('en-US');
    expect(clockText(at(2026, 10, 28, 14, 5))).toBe('2:05 PM');
    expect(dayTimeText(at(2026, 10, 20, 8, 0), now)).toBe('Nov 20 8:00 AM');
    speaks('de');
    expect(dayTimeText(at(2026, 10, 27, 9, 30), now)).toBe('gestern 09:30');
    expect(dayTimeText(at(2025, 11, 31, 18, 45), now)).toBe('31. Dez. 2025 18:45');
  });
});

describe('durations', () => {
  const now = new Date('2026-11-28T12:00:00.000Z');
  const before = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const after = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

  it('says for how long a mailbox has been in its state', () => {
    expect(sinceText(before(0.2), now)).toBe('for less than a minute');
    expect(sinceText(before(12), now)).toBe('for 12 min');
    expect(sinceText(before(180), now)).toBe('for 3 h');
    expect(sinceText(before(5 * 24 * 60), now)).toBe('for 5 days');
  });

  it('says when a share link expires, and when something was checked', () => {
    expect(expiresInText(after(72 * 60), now)).toBe('expires in 72 h');
    expect(expiresInText(before(1), now)).toBe('expired');
    expect(agoText(before(0.5), now)).toBe('just now');
    expect(agoText(before(2), now)).toBe('2 min ago');
  });
});
