import { useEffect, useState } from 'preact/hooks';
import type { StatusResponse } from '../../shared/api.ts';
import { t } from '../utils/i18n.ts';
import { pollStateItem, type PollState } from '../utils/poll.ts';

type Causes = Pick<StatusResponse, 'causes' | 'ownEmailsRefused'>;

/**
 * What only someone else can fix, above the list: Regrant's own setting refused (an operator
 * cause, with the setting), Regrant unable to send its own emails (admins, with the reply code),
 * and causes many mailboxes share. Nothing when there is none.
 *
 * @example <OperatorBanner status={state?.status} />
 */
export function OperatorBanner({ status }: { status: Causes | null | undefined }) {
  const causes = status?.causes ?? [];
  const operator = causes.filter((c) => c.audience === 'operator');
  const shared = causes.filter((c) => c.audience !== 'operator');
  const refused = status?.ownEmailsRefused;
  if (!operator.length && !shared.length && !refused) return null;
  return (
    <section class="operator-banner" aria-label={t('causesLabel')}>
      {(refused || operator.length > 0) && (
        <div class="banner error" role="alert">
          {refused && <p>{t('ownEmailsRefused', refused.replyCode ?? t('ownEmailsRefusedNoCode'))}</p>}
          {operator.map((c) => (
            <p key={c.id}>{t('operatorCause', c.message, c.setting ?? '')}</p>
          ))}
        </div>
      )}
      {shared.length > 0 && (
        <div class="banner warn">
          {shared.map((c) => (
            <p key={c.id}>{t('sharedCause', c.message)}</p>
          ))}
        </div>
      )}
    </section>
  );
}

/**
 * The same banner for a page that has no status of its own (the accounts page): the
 * background's last poll, kept current as it polls; no request of its own.
 *
 * @example <StoredOperatorBanner />
 */
export function StoredOperatorBanner({ store = pollStateItem }: { store?: Pick<typeof pollStateItem, 'getValue' | 'watch'> }) {
  const [state, setState] = useState<PollState | null>(null);
  useEffect(() => {
    let live = true;
    const stop = store.watch((next) => live && setState(next));
    void store.getValue().then((first) => live && setState((now) => now ?? first), () => undefined);
    return () => {
      live = false;
      stop();
    };
  }, [store]);
  return <OperatorBanner status={state?.status} />;
}
