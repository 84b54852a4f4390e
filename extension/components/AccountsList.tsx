import { MAILBOX_KIND_LABEL, type AccountStatus } from '../../shared/api.ts';
import { pendingText, stateText } from '../utils/accounts.ts';
import { groupChoice, type MailboxGroup } from '../utils/fleet.ts';
import { formatCount, t } from '../utils/i18n.ts';
import { sinceText } from '../utils/time.ts';

interface AccountsListProps {
  /** The mailboxes shown, in groups (fleet.ts). */
  groups: readonly MailboxGroup[];
  query: string;
  onQuery(query: string): void;
  isCurrent(id: string): boolean;
  onChoose(id: string): void;
  selected: ReadonlySet<string>;
  /** A row's checkbox: `range` when Shift was held (everything from the last one clicked). */
  onToggle(id: string, range: boolean): void;
  /** A group's checkbox: all of its mailboxes on, or off. */
  onSelectMany(ids: string[], on: boolean): void;
  now: Date;
}

/**
 * The accounts page's list: a filter, then the mailboxes in groups (the broken ones by cause,
 * each with its count and a checkbox for the whole group), each with a checkbox, its address,
 * state, provider, owner, how long it has been in its state and how many emails wait; a filter
 * that matches nothing says so. One list, so that it reads as one to a screen reader; a
 * group's heading names what its mailboxes share.
 */
export function AccountsList({ groups, query, onQuery, isCurrent, onChoose, selected, onToggle, onSelectMany, now }: AccountsListProps) {
  return (
    <>
      <label>
        <span class="sr-only">{t('accountsFilterLabel')}</span>
        <input type="search" placeholder={t('accountsFilterLabel')} value={query} onInput={(e) => onQuery(e.currentTarget.value)} />
      </label>
      {groups.length === 0 ? (
        <p class="muted empty-filter" role="status">
          {t('accountsFilterNoMatch', query.trim())}{' '}
          <button type="button" class="link" onClick={() => onQuery('')}>
            {t('accountsFilterClear')}
          </button>
        </p>
      ) : (
        <ul class="list" aria-label={t('accountsListLabel')}>
          {groups.map((g, k) => {
            const choice = groupChoice(g, selected);
            const heading = `fleet-group-${k}`;
            return [
              <li key={`group ${g.key}`} class={g.broken ? 'group-head broken' : 'group-head'} data-group={g.key}>
                <h2 id={heading}>
                  {g.label} <span class="count">({formatCount(g.accounts.length)})</span>
                </h2>
                <label class="select-group">
                  <input
                    type="checkbox"
                    checked={choice === 'all'}
                    indeterminate={choice === 'some'}
                    aria-describedby={heading}
                    onChange={() => onSelectMany(g.accounts.map((a) => a.id), choice !== 'all')}
                  />
                  {t('fleet_groupSelect', formatCount(g.accounts.length))}
                </label>
              </li>,
              ...g.accounts.map((a) => <Row key={a.id} account={a} current={isCurrent(a.id)} chosen={selected.has(a.id)} onChoose={onChoose} onToggle={onToggle} now={now} />),
            ];
          })}
        </ul>
      )}
    </>
  );
}

interface RowProps {
  account: AccountStatus;
  current: boolean;
  chosen: boolean;
  onChoose(id: string): void;
  onToggle(id: string, range: boolean): void;
  now: Date;
}

function Row({ account: a, current, chosen, onChoose, onToggle, now }: RowProps) {
  return (
    <li class="row">
      <input type="checkbox" class="select" checked={chosen} aria-label={t('fleet_selectOne', a.email)} onClick={(e) => onToggle(a.id, e.shiftKey)} />
      <button data-account={a.id} class={current ? 'item current' : 'item'} aria-current={current ? 'true' : undefined} onClick={() => onChoose(a.id)}>
        <span class="email">{a.email}</span>
        <span class="facts">
          <span class={`state ${a.state}`}>{stateText(a)}</span> <span class="muted">{sinceText(a.stateChangedAt, now)}</span>
        </span>
        <span class="facts muted">
          {MAILBOX_KIND_LABEL[a.provider]}
          {a.ownerEmail && <> · {t('accountsOwnedBy', a.ownerEmail)}</>}
        </span>
        {a.pendingEmails > 0 && <span class="pending">{pendingText(a.pendingEmails)}</span>}
      </button>
    </li>
  );
}
