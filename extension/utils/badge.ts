/**
 * The toolbar badge for a poll: a white count on red when mailboxes need re-authentication,
 * nothing when all is well, and a grey "?" when we cannot tell, so that "all good" is never
 * shown for a server we could not reach.
 */
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
  const trouble = unreachable > 0 ? `; ${unreachable} unreachable for now` : '';
  return `no mailbox needs re-authentication (${total === 1 ? '1 mailbox' : `${total} mailboxes`}${trouble})`;
}

/** Said after the rest when the server reports itself degraded: the badge may be behind. */
export const SERVER_DEGRADED = 'The Regrant server itself needs attention (checks overdue or alert emails failing): tell its administrator.';

export function badgeFor(state: PollState | null): Badge {
  if (!state || state.problem || !state.status) {
    const why = state?.problem?.message ?? 'Not checked yet.';
    return { text: '?', background: BADGE_GREY, title: `Regrant: state unknown. ${why}` };
  }
  const { needsReauth, total, unreachable } = state.status.counts;
  const degraded = state.status.serverDegraded ? `. ${SERVER_DEGRADED}` : '';
  if (needsReauth > 0) {
    const mailboxes = needsReauth === 1 ? '1 mailbox needs' : `${needsReauth} mailboxes need`;
    return { text: needsReauth > 99 ? '99+' : String(needsReauth), background: BADGE_RED, title: `Regrant: ${mailboxes} re-authentication${degraded}` };
  }
  return { text: '', background: BADGE_RED, title: (total === 0 ? 'Regrant: no mailboxes yet' : `Regrant: ${allWell(total, unreachable)}`) + degraded };
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
