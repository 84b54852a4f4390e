/** Durations in the short words a busy person reads at a glance. */

function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  // Share links live 72 h by default: "expires in 72 h" reads better than "3 days".
  if (hours <= 72) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** "for 3 h": how long a mailbox has been in its state, which it entered at `iso`. */
export function sinceText(iso: string, now: Date): string {
  return `for ${span(now.getTime() - Date.parse(iso))}`;
}

/** "expires in 72 h", for a share link. */
export function expiresInText(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return ms <= 0 ? 'expired' : `expires in ${span(ms)}`;
}

/** "checked 2 min ago". */
export function agoText(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  return ms < 60_000 ? 'just now' : `${span(ms)} ago`;
}

/** "21:14", the local time of day. */
export function clockText(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * "today 14:05", "tomorrow 14:05", "yesterday 09:30", "28 Nov 14:05" (with the year when
 * not this one): a clock time alone is ambiguous once it may be another day.
 */
export function dayTimeText(iso: string, now: Date): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(d) - startOfDay(now)) / 86_400_000);
  const day = DAY_NAMES[days] ?? d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
  return `${day} ${clockText(iso)}`;
}

const DAY_NAMES: Record<number, string> = { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' };

/** Local midnight; days are counted between midnights so that 23:59 → 00:01 is "tomorrow". */
function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}
