import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AccountState, AccountStatus } from '../../shared/api.ts';
import { FILTER_THRESHOLD, PAGE_SIZE, STATE_LABEL, filterAccounts } from '../utils/accounts.ts';
import { formatCount, t } from '../utils/i18n.ts';
import { AccountRow, type RowActions } from './AccountRow.tsx';

/** About 11 rows fit in the 580-pixel popup; a few more cover a zoomed-out one. */
const FIRST_PAINT_ROWS = 15;

/** The filter's states in the list's order: who needs a person first. */
const STATES: AccountState[] = ['needs_reauth', 'unreachable', 'new', 'connected'];

/**
 * The popup's list of mailboxes, already in order: a search box (address, name, owner, state,
 * reason) and a filter by state once the list no longer fits at a glance, and pages of
 * PAGE_SIZE rows, so that 10,000 mailboxes cost what 200 do. Everything is reachable by
 * keyboard: the controls are labelled fields and buttons, the page position is announced.
 */
export function MailboxList({ accounts, minute, actions }: { accounts: readonly AccountStatus[]; minute: number; actions: RowActions }) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<AccountState | null>(null);
  const [page, setPage] = useState(0);
  const shown = useMemo(() => filterAccounts(accounts, query, state), [accounts, query, state]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const start = current * PAGE_SIZE;
  const onPage = shown.slice(start, start + PAGE_SIZE);
  const counts = useMemo(() => {
    const by = new Map<AccountState, number>();
    for (const a of accounts) by.set(a.state, (by.get(a.state) ?? 0) + 1);
    return by;
  }, [accounts]);

  // The first paint shows what fits on screen; the rest of the page follows a moment later.
  const [limit, setLimit] = useState(FIRST_PAINT_ROWS);
  useEffect(() => {
    if (limit < onPage.length) {
      const timer = setTimeout(() => setLimit(Infinity), 0);
      return () => clearTimeout(timer);
    }
  }, [limit, onPage.length]);

  const choose = (apply: () => void) => {
    apply();
    setPage(0);
  };
  const turn = (to: number) => {
    setPage(to);
    globalThis.scrollTo?.(0, 0);
  };

  return (
    <>
      {accounts.length > FILTER_THRESHOLD && (
        <div class="controls" role="search">
          <label class="filter">
            <span class="sr-only">{t('list_filter')}</span>
            <input type="search" placeholder={t('list_filter')} value={query} onInput={(e) => choose(() => setQuery(e.currentTarget.value))} />
          </label>
          <label class="state-filter">
            <span class="sr-only">{t('list_stateFilter')}</span>
            <select value={state ?? ''} onChange={(e) => choose(() => setState((e.currentTarget.value || null) as AccountState | null))}>
              <option value="">{t('list_allStates', formatCount(accounts.length))}</option>
              {STATES.filter((s) => counts.get(s)).map((s) => (
                <option key={s} value={s}>
                  {t('list_stateCount', STATE_LABEL[s], formatCount(counts.get(s)!))}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {shown.length === 0 ? (
        <p class="empty">{query ? t('list_noMatch', query) : t('list_noneInState')}</p>
      ) : (
        <ul class="accounts" aria-label={t('list_mailboxes')}>
          {onPage.slice(0, limit).map((account) => (
            <AccountRow key={account.id} account={account} minute={minute} actions={actions} />
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav class="pager" aria-label={t('list_pages')}>
          <button disabled={current === 0} onClick={() => turn(current - 1)}>
            {t('list_previous')}
          </button>
          <span role="status" aria-live="polite">
            {t('list_range', formatCount(start + 1), formatCount(start + onPage.length), formatCount(shown.length))}
          </span>
          <button disabled={current >= pages - 1} onClick={() => turn(current + 1)}>
            {t('list_next')}
          </button>
        </nav>
      )}
    </>
  );
}
