/**
 * Acting on many mailboxes at once from the accounts page, through the API's own per-mailbox
 * routes (Check now, share link, remove): each mailbox keeps the checks and rules its route
 * has, and its own answer. At most FLEET_CONCURRENCY requests run at once, so 300 mailboxes
 * neither queue behind the browser's six connections to the server nor crowd out the page's
 * own polls; an answer of 429 (a limit reached) waits as Retry-After asks (or 1, 2, 4… s) and
 * tries again, up to five times.
 *
 * @example
 *   const results = await forEachMailbox(selected, (a) => api.checkNow(a.id), { onProgress: (done, total) => … });
 *   shareText(await forEachMailbox(selected, (a) => api.shareLink(a.id)));
 */
import pLimit from 'p-limit';
import type { AccountStatus, OneTimeLink } from '../../shared/api.ts';
import { ApiError, problemOf } from './api.ts';
import { t } from './i18n.ts';

/** Requests under way at once. */
export const FLEET_CONCURRENCY = 4;
/** Tries of one mailbox's request while the server answers 429. */
const TRIES = 5;
/** The longest wait before a try again, whatever Retry-After says. */
const MAX_WAIT_MS = 60_000;

export type MailboxResult<T> = { account: AccountStatus; ok: true; value: T } | { account: AccountStatus; ok: false; error: string };

export interface EachOptions {
  concurrency?: number;
  /** After each mailbox: how many are done of how many. */
  onProgress?(done: number, total: number): void;
  /** Waits `ms` before a try again (tests pass a clock of their own). */
  wait?(ms: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `work` for each mailbox, in order of the answers' arrival but returned in the mailboxes' order. */
export async function forEachMailbox<T>(accounts: readonly AccountStatus[], work: (account: AccountStatus) => Promise<T>, options: EachOptions = {}): Promise<MailboxResult<T>[]> {
  const { concurrency = FLEET_CONCURRENCY, onProgress, wait = sleep } = options;
  const gate = pLimit(Math.max(1, concurrency));
  let done = 0;
  const one = async (account: AccountStatus): Promise<MailboxResult<T>> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return { account, ok: true, value: await work(account) };
      } catch (error) {
        if (error instanceof ApiError && error.status === 429 && attempt < TRIES) {
          await wait(Math.min(error.retryAfterMs ?? 1000 * 2 ** (attempt - 1), MAX_WAIT_MS));
          continue;
        }
        return { account, ok: false, error: problemOf(error).message };
      }
    }
  };
  return Promise.all(
    accounts.map((account) =>
      gate(async () => {
        const result = await one(account);
        onProgress?.(++done, accounts.length);
        return result;
      }),
    ),
  );
}

/**
 * What Copy share links puts on the clipboard: one line per mailbox, its address and its
 * link separated by a tab (a chat shows a space, a spreadsheet two columns); then the
 * mailboxes that got no link, each with why.
 */
export function shareText(results: readonly MailboxResult<OneTimeLink>[]): string {
  const links = results.flatMap((r) => (r.ok ? [`${r.account.email}\t${r.value.url}`] : []));
  const refused = results.flatMap((r) => (r.ok ? [] : [`${r.account.email}: ${r.error}`]));
  return [...links, ...(refused.length ? [...(links.length ? [''] : []), t('fleet_noLinkFor'), ...refused] : [])].join('\n');
}
