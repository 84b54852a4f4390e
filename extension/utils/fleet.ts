/**
 * The accounts page's fleet view, as plain data: how many mailboxes are in each state (the
 * filter chips), the broken ones grouped by the cause the server named (or, without one, by
 * their reason), the others by state; and which mailboxes a shift-click selects.
 *
 * @example
 *   const groups = groupMailboxes(filterAccounts(accounts, query, state));
 *   groups[0]; // { key: 'grant_revoked:provider:google', label: 'Google ended the grant for 40 mailboxes: …', broken: true, accounts: [...] }
 */
import { ACCOUNT_STATES, type AccountState, type AccountStatus } from '../../shared/api.ts';
import { STATE_LABEL } from './accounts.ts';

/** The chips' order: who needs a person first. */
export const CHIP_STATES: AccountState[] = ['needs_reauth', 'unreachable', 'new', 'connected'];

/** Mailboxes in each state; every state is there, 0 when none is in it. */
export function stateCounts(accounts: readonly AccountStatus[]): Record<AccountState, number> {
  const counts = Object.fromEntries(ACCOUNT_STATES.map((s) => [s, 0])) as Record<AccountState, number>;
  for (const a of accounts) counts[a.state] += 1;
  return counts;
}

export interface MailboxGroup {
  /** Stable while the group lasts: the cause's id, `reason:<code>` or `state:<state>`. */
  key: string;
  /** The cause or the reason in words, or the state's name. */
  label: string;
  /** Needs a person (or waits on a server): grouped by why. */
  broken: boolean;
  accounts: AccountStatus[];
}

const isBroken = (a: AccountStatus) => a.state === 'needs_reauth' || a.state === 'unreachable';

function groupOf(a: AccountStatus): { key: string; label: string } {
  if (!isBroken(a)) return { key: `state:${a.state}`, label: STATE_LABEL[a.state] };
  if (a.cause) return { key: a.cause.id, label: a.cause.message };
  if (a.reason) return { key: `reason:${a.state}:${a.reason.code}`, label: a.reason.message };
  return { key: `state:${a.state}`, label: STATE_LABEL[a.state] };
}

/**
 * The mailboxes (already in the list's order, which each group keeps) in groups: broken ones
 * by cause, largest first; then the rest by state, in the chips' order.
 */
export function groupMailboxes(accounts: readonly AccountStatus[]): MailboxGroup[] {
  const groups = new Map<string, MailboxGroup>();
  for (const a of accounts) {
    const { key, label } = groupOf(a);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label, broken: isBroken(a), accounts: [] }));
    group.accounts.push(a);
  }
  const rank = (g: MailboxGroup) => (g.broken ? 0 : 1 + CHIP_STATES.indexOf(g.accounts[0].state));
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || (a.broken ? b.accounts.length - a.accounts.length : 0) || a.label.localeCompare(b.label));
}

/**
 * The ids from `anchor` to `target` in `order` (both ends included), whichever comes first; only
 * `target` when the anchor is no longer shown.
 *
 * @example idsBetween(['a', 'b', 'c', 'd'], 'c', 'a'); // ['a', 'b', 'c']
 */
export function idsBetween(order: readonly string[], anchor: string | null, target: string): string[] {
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(target);
  if (from < 0 || to < 0) return [target];
  return order.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/** How much of a group is selected: the group's checkbox is checked, clear, or mixed. */
export function groupChoice(group: MailboxGroup, selected: ReadonlySet<string>): 'all' | 'none' | 'some' {
  const n = group.accounts.reduce((k, a) => k + (selected.has(a.id) ? 1 : 0), 0);
  return n === 0 ? 'none' : n === group.accounts.length ? 'all' : 'some';
}
