import { useEffect, useState } from 'preact/hooks';
import type { StatusResponse } from '../../shared/api.ts';
import type { Api } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';

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
 * The same banner for a page that has no status of its own (the accounts page): reads it once.
 *
 * @example <LoadedOperatorBanner deps={deps} />
 */
export function LoadedOperatorBanner({ deps }: { deps: { api(): Promise<Api> } }) {
  const [status, setStatus] = useState<Causes | null>(null);
  useEffect(() => {
    void (async () => {
      try {
        const answer = await (await deps.api()).status();
        if (answer.changed) setStatus(answer.status);
      } catch {
        // The page says why it has no list; the banner stays away.
      }
    })();
  }, [deps]);
  return <OperatorBanner status={status} />;
}
