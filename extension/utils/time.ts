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

/** "since 3 h", for how long a mailbox has been in its state. */
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
