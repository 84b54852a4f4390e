/**
 * Which mailboxes newly need re-authentication, so the browser notifies once per incident:
 * an incident is a mailbox and the moment it entered `needs_reauth`.
 */
import type { AccountStatus, StatusResponse } from '../../shared/api.ts';
import { storage } from 'wxt/utils/storage';

/** Mailbox id → the `stateChangedAt` of the incident already announced. */
export type Announced = Record<string, string>;

export const announcedItem = storage.defineItem<Announced | null>('local:announcedIncidents', { fallback: null });

/**
 * The incidents to announce, and what is announced afterwards. The first status ever seen
 * sets the baseline silently: its red mailboxes are not news, the badge already shows them.
 */
export function newIncidents(announced: Announced | null, status: StatusResponse): { fresh: AccountStatus[]; announced: Announced } {
  const next: Announced = {};
  const fresh: AccountStatus[] = [];
  for (const account of status.accounts) {
    if (account.state !== 'needs_reauth') continue;
    next[account.id] = account.stateChangedAt;
    if (announced && announced[account.id] !== account.stateChangedAt) fresh.push(account);
  }
  return { fresh, announced: next };
}
