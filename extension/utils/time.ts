/**
 * Durations and times in the short words a busy person reads at a glance, in the browser's
 * language (words from the `time` catalog, dates and clock times from `Intl`).
 *
 * @example
 *   sinceText('2026-11-28T09:00:00Z', now); // "for 3 h"
 *   dayTimeText(iso, now);                  // "today 14:05", "20 Nov 08:00" (en-GB)
 */
import { t, uiLanguage } from './i18n.ts';
import { tn } from './plural.ts';

function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('time_lessThanAMinute');
  if (minutes < 60) return tn('time_minutes', minutes);
  const hours = Math.round(minutes / 60);
  // Share links live 72 h by default: "expires in 72 h" reads better than "3 days".
  if (hours <= 72) return tn('time_hours', hours);
  return tn('time_days', Math.round(hours / 24));
}

/** "for 3 h": how long a mailbox has been in its state, which it entered at `iso`. */
export function sinceText(iso: string, now: Date): string {
  return t('time_for', span(now.getTime() - Date.parse(iso)));
}

/** "expires in 72 h", for a share link. */
export function expiresInText(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return ms <= 0 ? t('time_expired') : t('time_expiresIn', span(ms));
}

/** "checked 2 min ago". */
export function agoText(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  return ms < 60_000 ? t('time_justNow') : t('time_ago', span(ms));
}

const formats = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
/** One formatter per language and options: made once, used for every row. */
function format<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(name: string, make: (language: string) => T): T {
  const language = uiLanguage();
  const key = `${language} ${name}`;
  let found = formats.get(key);
  if (!found) formats.set(key, (found = make(language)));
  return found as T;
}

/** "21:14" (or "9:14 PM"), the local time of day as the browser's language writes it. */
export function clockText(iso: string): string {
  return format('clock', (l) => new Intl.DateTimeFormat(l, { timeStyle: 'short' })).format(new Date(iso));
}

/**
 * "today 14:05", "tomorrow 14:05", "yesterday 09:30", "28 Nov 14:05" (with the year when
 * not this one): a clock time alone is ambiguous once it may be another day.
 */
export function dayTimeText(iso: string, now: Date): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(d) - startOfDay(now)) / 86_400_000);
  const day =
    Math.abs(days) <= 1
      ? format('days', (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' })).format(days, 'day')
      : d.getFullYear() === now.getFullYear()
        ? format('date', (l) => new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short' })).format(d)
        : format('dateYear', (l) => new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short', year: 'numeric' })).format(d);
  return t('time_dayAt', day, clockText(iso));
}

/** A date and time in full, for a history: "28 Nov 2026, 14:05". */
export function dateTimeText(iso: string): string {
  return format('dateTime', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(new Date(iso));
}

/** Local midnight; days are counted between midnights so that 23:59 → 00:01 is "tomorrow". */
function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}
