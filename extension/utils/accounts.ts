/**
 * How the popup and the accounts page show mailboxes: who needs a person first, then who
 * cannot be reached, then the rest; and a filter that matches what a person would type.
 */
import { MAILBOX_KIND_LABEL, type AccountState, type AccountStatus, type Trouble } from '../../shared/api.ts';
import { agoText } from './time.ts';

const RANK: Record<AccountState, number> = { needs_reauth: 0, unreachable: 1, new: 2, connected: 3 };

export const STATE_LABEL: Record<AccountState, string> = {
  needs_reauth: 'Needs re-authentication',
  unreachable: 'Unreachable',
  new: 'Not checked yet',
  connected: 'Connected',
};

export function orderAccounts<T extends AccountStatus>(accounts: readonly T[]): T[] {
  return [...accounts].sort((a, b) => RANK[a.state] - RANK[b.state] || a.email.localeCompare(b.email));
}

/** Matches every word of the query against the address, provider, state and reason. */
export function filterAccounts<T extends AccountStatus>(accounts: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...accounts];
  return accounts.filter((a) => {
    const haystack = [a.email, a.provider, MAILBOX_KIND_LABEL[a.provider], STATE_LABEL[a.state], a.reason?.message ?? ''].join(' ').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** When the last check's trouble was, and how far it counts: "1 of 3 tries, just now". */
export function troubleNote(trouble: Trouble, now: Date): string {
  const tries = trouble.of === null ? '' : `${trouble.tries} of ${trouble.of} ${trouble.of === 1 ? 'try' : 'tries'}, `;
  return `${tries}${agoText(trouble.at, now)}`;
}

/** The popup offers a filter box once the list no longer fits at a glance. */
export const FILTER_THRESHOLD = 10;
