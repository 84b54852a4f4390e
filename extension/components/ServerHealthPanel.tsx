import { useEffect, useState } from 'preact/hooks';
import type { ServerHealth } from '../../shared/api.ts';
import type { Api } from '../utils/api.ts';
import { problemOf } from '../utils/api.ts';
import { agoText } from '../utils/time.ts';

const seconds = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const waiting = (n: number, oldestAt: string | null, now: Date) => (n === 0 ? 'none waiting' : `${n} waiting, the oldest queued ${agoText(oldestAt ?? now.toISOString(), now)}`);

/**
 * Regrant's own health for admins on the accounts page: the last check cycle, checks overdue,
 * the outbox, alert emails and their last refusal, the version. Members see nothing (403).
 */
export function ServerHealthPanel({ deps }: { deps: { api(): Promise<Api>; now(): Date } }) {
  const [health, setHealth] = useState<ServerHealth | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void (async () => {
      try {
        setHealth(await (await deps.api()).serverHealth());
      } catch (e) {
        setError(problemOf(e).message);
      }
    })();
  }, [deps]);

  if (error) return <p class="muted server-health">Server health unavailable: {error}</p>;
  if (!health) return null;
  const now = deps.now();
  const { checks, outbox, alertEmails } = health;
  return (
    <section class="server-health" aria-label="Regrant server health">
      <h2>Regrant server {health.degraded ? <span class="state needs_reauth">needs attention</span> : <span class="state connected">healthy</span>}</h2>
      <ul>
        <li>
          Last check cycle:{' '}
          {checks.lastCycle ? `${checks.lastCycle.mailboxes} mailboxes in ${seconds(checks.lastCycle.seconds)}, finished ${agoText(checks.lastCycle.finishedAt, now)}` : 'none yet'}
        </li>
        <li class={checks.overdue > 0 ? 'error' : undefined}>Checks overdue: {checks.overdue}</li>
        <li>Outbox: {waiting(outbox.waiting, outbox.oldestAt, now)}</li>
        <li class={alertEmails.failing > 0 ? 'error' : undefined}>
          Alert emails: {waiting(alertEmails.waiting, alertEmails.oldestAt, now)}
          {alertEmails.failing > 0 ? `, ${alertEmails.failing} refused` : ''}
        </li>
        {alertEmails.lastError && <li class="error">Last refusal: {alertEmails.lastError.message}</li>}
        <li class="muted">Version {health.version}</li>
      </ul>
    </section>
  );
}
