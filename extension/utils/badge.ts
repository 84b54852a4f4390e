/**
 * The toolbar badge for a poll: a white count on red when mailboxes need re-authentication,
 * nothing when all is well, and a grey "?" when we cannot tell, so that "all good" is never
 * shown for a server we could not reach.
 */
import { formatCount, t } from './i18n.ts';
import { tn } from './plural.ts';
import type { PollState } from './poll.ts';

export const BADGE_RED = '#d93025';
export const BADGE_GREY = '#6b7280';
export const BADGE_TEXT = '#ffffff';

export interface Badge {
  text: string;
  background: string;
  title: string;
}

/** "no mailbox needs re-authentication (of 12; 1 unreachable for now)" */
export function allWell(total: number, unreachable: number): string {
  const mailboxes = tn('badge_mailboxes', total);
  return t('badge_allWell', unreachable > 0 ? t('badge_unreachableForNow', mailboxes, formatCount(unreachable)) : mailboxes);
}

/** Said after the rest when the server reports itself degraded: the badge may be behind. */
export const SERVER_DEGRADED = t('badge_serverDegraded');

export function badgeFor(state: PollState | null): Badge {
  if (!state || state.problem || !state.status) {
    const why = state?.problem?.message ?? t('badge_notPolledYet');
    return { text: '?', background: BADGE_GREY, title: t('badge_unknown', why) };
  }
  const { needsReauth, total, unreachable } = state.status.counts;
  const degraded = (title: string) => (state.status?.serverDegraded ? t('badge_withDegraded', title, SERVER_DEGRADED) : title);
  if (needsReauth > 0) {
    // The badge's own digits: it has room for three characters, and "99+" is what Chrome shows too.
    return { text: needsReauth > 99 ? '99+' : String(needsReauth), background: BADGE_RED, title: degraded(tn('badge_needReauth', needsReauth)) };
  }
  return { text: '', background: BADGE_RED, title: degraded(total === 0 ? t('badge_noMailboxes') : t('badge_allWellTitle', allWell(total, unreachable))) };
}

/** The part of `browser.action` the badge needs. */
export interface BadgeSurface {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setBadgeTextColor?(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export async function showBadge(action: BadgeSurface, badge: Badge): Promise<void> {
  await Promise.all([
    action.setBadgeText({ text: badge.text }),
    action.setBadgeBackgroundColor({ color: badge.background }),
    action.setBadgeTextColor?.({ color: BADGE_TEXT }),
    action.setTitle({ title: badge.title }),
  ]);
}
