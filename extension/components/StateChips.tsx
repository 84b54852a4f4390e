import type { AccountState } from '../../shared/api.ts';
import { STATE_LABEL } from '../utils/accounts.ts';
import { CHIP_STATES } from '../utils/fleet.ts';
import { formatCount, t } from '../utils/i18n.ts';

interface StateChipsProps {
  counts: Record<AccountState, number>;
  total: number;
  state: AccountState | null;
  onState(state: AccountState | null): void;
}

/**
 * One toggle button per state a mailbox is in, with its count, and All: the one pressed says
 * which mailboxes the list shows. States no mailbox is in are left out.
 */
export function StateChips({ counts, total, state, onState }: StateChipsProps) {
  const chip = (value: AccountState | null, label: string, count: number) => (
    <button key={value ?? 'all'} type="button" class={value ? `chip ${value}` : 'chip'} aria-pressed={state === value} onClick={() => onState(value)}>
      {label} <span class="count">{formatCount(count)}</span>
    </button>
  );
  return (
    <div class="filters state-chips" role="group" aria-label={t('fleet_chipsLabel')}>
      {chip(null, t('fleet_chipAll'), total)}
      {CHIP_STATES.filter((s) => counts[s] > 0 || s === state).map((s) => chip(s, STATE_LABEL[s], counts[s]))}
    </div>
  );
}
