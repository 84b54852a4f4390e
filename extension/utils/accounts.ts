/**
 * How the popup and the accounts page show mailboxes: who needs a person first, then who
 * cannot be reached, then the rest; and a filter that matches what a person would type.
 */
import { MAILBOX_KIND_LABEL, type AccountState, type AccountStatus, type Trouble } from '../../shared/api.ts';
import { agoText } from './time.ts';
import { formatCount, t, uiLanguage } from './i18n.ts';

const RANK: Record<AccountState, number> = { needs_reauth: 0, unreachable: 1, new: 2, connected: 3 };

/** Each state in words, from the catalogs (read when shown, so the browser's language applies). */
export const STATE_LABEL: Record<AccountState, string> = {
  get needs_reauth() {
    return t('stateNeedsReauth');
  },
  get unreachable() {
    return t('stateUnreachable');
  },
  get new() {
    return t('stateNew');
  },
  get connected() {
    return t('stateConnected');
  },
};

let collator: Intl.Collator | undefined;

/**
 * By state (who needs a person first), then by address in natural order: rep2 before rep10,
 * as a person counts. One collator for all: 10,000 mailboxes sort in a few ms.
 */
export function orderAccounts<T extends AccountStatus>(accounts: readonly T[]): T[] {
  collator ??= new Intl.Collator(uiLanguage(), { numeric: true, sensitivity: 'base' });
  const byAddress = collator.compare;
  return [...accounts].sort((a, b) => RANK[a.state] - RANK[b.state] || byAddress(a.email, b.email) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

// Each mailbox's words, made once per answer from the server (the objects are new with each).
const haystacks = new WeakMap<AccountStatus, string>();
function haystackOf(a: AccountStatus): string {
  let text = haystacks.get(a);
  if (text === undefined) {
    text = [a.email, a.name ?? '', a.ownerEmail ?? '', a.provider, MAILBOX_KIND_LABEL[a.provider], STATE_LABEL[a.state], a.reason?.message ?? ''].join(' ').toLowerCase();
    haystacks.set(a, text);
  }
  return text;
}

/**
 * Matches every word of the query against the address, name, owner, provider, state and
 * reason; `state`, when given, keeps only mailboxes in it.
 */
export function filterAccounts<T extends AccountStatus>(accounts: readonly T[], query: string, state: AccountState | null = null): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length && !state) return [...accounts];
  return accounts.filter((a) => (!state || a.state === state) && words.every((w) => haystackOf(a).includes(w)));
}

/** "3 emails waiting", the count in the browser's language. */
export function pendingText(n: number): string {
  return n === 1 ? t('accountsOneEmailWaiting') : t('accountsEmailsWaiting', formatCount(n));
}

/** When the last check's trouble was, and how far it counts: "1 of 3 tries, just now". */
export function troubleNote(trouble: Trouble, now: Date): string {
  const tries = trouble.of === null ? '' : `${trouble.tries} of ${trouble.of} ${trouble.of === 1 ? 'try' : 'tries'}, `;
  return `${tries}${agoText(trouble.at, now)}`;
}

/** Rows on a page of the popup: a few screens' worth, cheap to render (rows out of sight skip layout). */
export const PAGE_SIZE = 200;

/** The popup offers a filter box once the list no longer fits at a glance. */
export const FILTER_THRESHOLD = 10;
