import { MAILBOX_KIND_LABEL, type AccountStatus } from '../../shared/api.ts';
import { STATE_LABEL, filterAccounts, pendingText } from '../utils/accounts.ts';
import { t } from '../utils/i18n.ts';
import { sinceText } from '../utils/time.ts';

interface AccountsListProps {
  accounts: readonly AccountStatus[];
  query: string;
  onQuery(query: string): void;
  isCurrent(id: string): boolean;
  onChoose(id: string): void;
  now: Date;
}

/**
 * The accounts page's list: a filter, and for each mailbox its address, state, provider,
 * owner, how long it has been in its state and how many emails wait; a filter that matches
 * nothing says so.
 */
export function AccountsList({ accounts, query, onQuery, isCurrent, onChoose, now }: AccountsListProps) {
  const shown = filterAccounts(accounts, query);
  return (
    <>
      <label>
        <span class="sr-only">{t('accountsFilterLabel')}</span>
        <input type="search" placeholder={t('accountsFilterLabel')} value={query} onInput={(e) => onQuery(e.currentTarget.value)} />
      </label>
      {shown.length === 0 ? (
        <p class="muted empty-filter" role="status">
          {t('accountsFilterNoMatch', query.trim())}{' '}
          <button type="button" class="link" onClick={() => onQuery('')}>
            {t('accountsFilterClear')}
          </button>
        </p>
      ) : (
        <ul class="list" aria-label={t('accountsListLabel')}>
          {shown.map((a) => (
            <li key={a.id}>
              <button data-account={a.id} class={isCurrent(a.id) ? 'item current' : 'item'} aria-current={isCurrent(a.id) ? 'true' : undefined} onClick={() => onChoose(a.id)}>
                <span class="email">{a.email}</span>
                <span class="facts">
                  <span class={`state ${a.state}`}>{STATE_LABEL[a.state]}</span> <span class="muted">{sinceText(a.stateChangedAt, now)}</span>
                </span>
                <span class="facts muted">
                  {MAILBOX_KIND_LABEL[a.provider]}
                  {a.ownerEmail && <> · {t('accountsOwnedBy', a.ownerEmail)}</>}
                </span>
                {a.pendingEmails > 0 && <span class="pending">{pendingText(a.pendingEmails)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
