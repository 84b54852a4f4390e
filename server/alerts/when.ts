/**
 * Times as people read them in alerts: the clock time in ALERT_TIMEZONE with the zone's name,
 * and how long ago ("2 hours ago").
 *
 * @example
 *   clockTime('2026-12-04T18:00:00.000Z', 'Europe/Berlin'); // '2026-12-04 19:00 CET'
 *   ago('2026-12-04T18:00:00.000Z', new Date('2026-12-04T20:05:00Z')); // '2 hours ago'
 */
export function clockTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

const UNITS: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

export function ago(iso: string, now: Date): string {
  const ms = Math.max(0, now.getTime() - Date.parse(iso));
  for (const [size, unit] of UNITS) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** Both: "2026-12-04 19:00 CET (2 hours ago)". */
export function when(iso: string, timeZone: string, now: Date): string {
  return `${clockTime(iso, timeZone)} (${ago(iso, now)})`;
}
