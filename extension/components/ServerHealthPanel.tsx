import { useEffect, useState } from 'preact/hooks';
import type { ServerHealth } from '../../shared/api.ts';
import type { Api } from '../utils/api.ts';
import { problemOf } from '../utils/api.ts';
import { formatCount, t, uiLanguage } from '../utils/i18n.ts';
import { tn } from '../utils/plural.ts';
import { agoText } from '../utils/time.ts';

const hours = (h: number) => new Intl.NumberFormat(uiLanguage(), { maximumFractionDigits: 1 }).format(h);
const seconds = (s: number) => (s < 90 ? t('health_seconds', formatCount(Math.round(s))) : s < 5400 ? t('health_minutes', formatCount(Math.round(s / 60))) : t('health_hours', hours(s / 3600)));
const waiting = (n: number, oldestAt: string | null, now: Date) => (n === 0 ? t('health_noneWaiting') : t('health_waiting', formatCount(n), agoText(oldestAt ?? now.toISOString(), now)));

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

  if (error) return <p class="muted server-health">{t('health_unavailable', error)}</p>;
  if (!health) return null;
  const now = deps.now();
  const { checks, outbox, alertEmails } = health;
  return (
    <section class="server-health" aria-label={t('health_region')}>
      <h2>
        {t('health_title')}{' '}
        {health.degraded ? <span class="state needs_reauth">{t('health_needsAttention')}</span> : <span class="state connected">{t('health_healthy')}</span>}
      </h2>
      <ul>
        <li>
          {t('health_lastCycle', checks.lastCycle ? tn('health_cycle', checks.lastCycle.mailboxes, seconds(checks.lastCycle.seconds), agoText(checks.lastCycle.finishedAt, now)) : t('health_noneYet'))}
        </li>
        <li class={checks.overdue > 0 ? 'error' : undefined}>{t('health_overdue', formatCount(checks.overdue))}</li>
        <li>{t('health_outbox', waiting(outbox.waiting, outbox.oldestAt, now))}</li>
        <li class={alertEmails.failing > 0 ? 'error' : undefined}>
          {t('health_alertEmails', waiting(alertEmails.waiting, alertEmails.oldestAt, now))}
          {alertEmails.failing > 0 ? t('health_refused', formatCount(alertEmails.failing)) : ''}
        </li>
        {alertEmails.lastError && <li class="error">{t('health_lastRefusal', alertEmails.lastError.message)}</li>}
        <li class="muted">{t('health_version', health.version)}</li>
      </ul>
    </section>
  );
}
