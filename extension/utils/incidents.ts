/**
 * Which mailboxes newly need re-authentication, so the browser notifies once per incident:
 * an incident is a mailbox and the moment it entered `needs_reauth`.
 */
import type { AccountStatus, StatusResponse } from '../../shared/api.ts';
import { storage } from 'wxt/utils/storage';

/** The incidents already announced for one server and token: mailbox id → `stateChangedAt`. */
export interface Announced {
  source: string;
  incidents: Record<string, string>;
}

export const announcedItem = storage.defineItem<Announced | null>('local:announcedIncidents', { fallback: null });

/**
 * The incidents to announce, and what is announced afterwards. The first status seen from a
 * server and token sets the baseline silently: its red mailboxes are not news, the badge
 * already shows them.
 */
export function newIncidents(announced: Announced | null, source: string, status: StatusResponse): { fresh: AccountStatus[]; announced: Announced } {
  const known = announced?.source === source ? announced.incidents : null;
  const incidents: Record<string, string> = {};
  const fresh: AccountStatus[] = [];
  for (const account of status.accounts) {
    if (account.state !== 'needs_reauth') continue;
    incidents[account.id] = account.stateChangedAt;
    if (known && known[account.id] !== account.stateChangedAt) fresh.push(account);
  }
  return { fresh, announced: { source, incidents } };
}
