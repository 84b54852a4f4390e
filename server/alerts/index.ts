/**
 * Alerts people can act on (issue 23): grouped per person (grouper.ts), naming a shared cause
 * (causes.ts), told to whoever can fix it (audience.ts), as text and HTML (digest.ts, html.ts),
 * with times in ALERT_TIMEZONE (when.ts). The notifier runs the groups; `/api/status` shows
 * the causes (status-causes.ts).
 *
 * For slack and teams webhooks, which are grouped like emails: collect a webhook's events for
 * ALERT_GROUP_WAIT_SECONDS, then `notifier.groups.describe(accountIds)` gives the message as
 * sections, and `groupedMessage` turns them into a title and plain lines to post.
 *
 * @example
 *   const digest = await notifier.groups.describe(['acc_1', 'acc_2']);
 *   if (digest) post(webhook, groupedMessage(digest)); // { title, lines }
 */
import type { Digest } from './digest.ts';

export { audienceOf, OPERATOR_CAUSES, type Audience } from './audience.ts';
export { digestText, type Digest, type DigestSection } from './digest.ts';
export { digestHtml } from './html.ts';

/** A grouped message for a chat: its title and plain lines (headings and facts); each mailbox's link is the chat's own to show. */
export function groupedMessage(digest: Digest): { title: string; lines: string[] } {
  const lines = [digest.summary];
  for (const s of digest.sections) {
    lines.push(s.heading);
    for (const item of s.items) lines.push(`• ${item.title}: ${item.lines.join(' · ')}`);
  }
  return { title: digest.subject, lines };
}
