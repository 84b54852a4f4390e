import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AccountState, AccountStatus } from '../../shared/api.ts';
import { filterAccounts } from '../utils/accounts.ts';
import { groupMailboxes, idsBetween, stateCounts } from '../utils/fleet.ts';
import { AccountsList } from './AccountsList.tsx';
import { FleetToolbar, type FleetDeps } from './FleetToolbar.tsx';
import { StateChips } from './StateChips.tsx';

interface FleetProps {
  /** Every mailbox, in the page's order. */
  accounts: readonly AccountStatus[];
  deps: FleetDeps;
  isCurrent(id: string): boolean;
  onChoose(id: string): void;
  onChanged(): Promise<void>;
  onRemoved(ids: string[]): Promise<void>;
  onImport(): void;
  now: Date;
}

/**
 * The accounts page's mailboxes as a fleet: chips by state and a filter choose what the list
 * shows, grouped by cause; checkboxes (a group's at once, Shift for a range, Escape for none)
 * choose what the toolbar acts on. The selection outlives a change of filter: the toolbar
 * says how many selected mailboxes it hides.
 */
export function Fleet({ accounts, deps, isCurrent, onChoose, onChanged, onRemoved, onImport, now }: FleetProps) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<AccountState | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);

  const counts = useMemo(() => stateCounts(accounts), [accounts]);
  // The last mailbox of the chosen state left it (fixed, removed): show them all again.
  useEffect(() => {
    if (state && counts[state] === 0) setState(null);
  }, [state, counts]);
  const shown = useMemo(() => filterAccounts(accounts, query, state), [accounts, query, state]);
  const groups = useMemo(() => groupMailboxes(shown), [shown]);
  // The list's order on screen, for Shift ranges: group by group.
  const order = useMemo(() => groups.flatMap((g) => g.accounts.map((a) => a.id)), [groups]);
  // Mailboxes removed meanwhile (here or elsewhere) leave the selection.
  const chosen = useMemo(() => accounts.filter((a) => picked.has(a.id)), [accounts, picked]);
  const shownIds = useMemo(() => new Set(order), [order]);
  const selected = useMemo(() => new Set(chosen.map((a) => a.id)), [chosen]);

  const change = (ids: readonly string[], on: boolean) =>
    setPicked((before) => {
      const next = new Set(before);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  const onToggle = (id: string, range: boolean) => {
    const on = !selected.has(id);
    change(range ? idsBetween(order, anchor.current, id) : [id], on);
    anchor.current = id;
  };
  const clear = () => {
    setPicked(new Set());
    anchor.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && selected.size > 0) {
      e.preventDefault();
      clear();
    }
  };
  const removed = async (ids: string[]) => {
    change(ids, false);
    await onRemoved(ids);
  };

  return (
    <div class="fleet" onKeyDown={onKeyDown}>
      <StateChips counts={counts} total={accounts.length} state={state} onState={setState} />
      <FleetToolbar
        deps={deps}
        chosen={chosen}
        hidden={chosen.filter((a) => !shownIds.has(a.id)).length}
        shownCount={order.length}
        onSelectShown={() => change(order, true)}
        onClear={clear}
        onChanged={onChanged}
        onRemoved={removed}
        onImport={onImport}
      />
      <AccountsList groups={groups} query={query} onQuery={setQuery} isCurrent={isCurrent} onChoose={onChoose} selected={selected} onToggle={onToggle} onSelectMany={change} now={now} />
    </div>
  );
}
