/**
 * A grouped message for a slack or teams webhook: several mailboxes lost at once, told in one
 * message (groups.ts). The words come from the alert digest (`groupedMessage`); each mailbox's
 * own link (its incident link, or a custom mailbox's repair link) is listed under them, as in
 * the single messages. No link to Regrant itself: its root page fixes nothing.
 *
 * @example
 *   const body = groupedBody('slack', { title: 'Acme: 5 mailboxes need attention', lines, links: [{ title: 'Reconnect a@x.test', url }] });
 */
import type { WebhookFormat } from '../../shared/api.ts';
import { slackText } from './formats.ts';

export interface GroupedChat {
  title: string;
  /** Plain lines: a summary, then headings and their items (lines starting with '• '). */
  lines: string[];
  /** One per mailbox that has a link to fix it. */
  links: Array<{ title: string; url: string }>;
}

/** Slack allows 3000 characters per section and 50 blocks per message. */
const SECTION_CHARS = 2900;
const MAX_SECTIONS = 45;

function sections(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= SECTION_CHARS) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line.slice(0, SECTION_CHARS));
  }
  return out.slice(0, MAX_SECTIONS);
}

/** A heading: neither the summary (the first line) nor an item. */
const isHeading = (line: string, i: number) => i > 0 && !line.startsWith('• ');

function slack(g: GroupedChat): object {
  const links = g.links.map((l) => `• <${l.url}|${slackText(l.title)}>`);
  const lines = [...g.lines.map((l, i) => (isHeading(l, i) ? `*${slackText(l)}*` : slackText(l))), ...links];
  const text = `:warning: *${slackText(g.title)}*\n${lines.join('\n')}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: *${slackText(g.title)}*` } }, ...sections(lines).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } }))] };
}

/** Adaptive Card text is Markdown: brackets and the like in a mail server's words are escaped. */
const cardText = (s: string) => s.replace(/([\\[\]()*_`#>])/g, '\\$1');

function teams(g: GroupedChat): object {
  const body = [
    { type: 'TextBlock', text: cardText(g.title), weight: 'Bolder', size: 'Medium', color: 'Attention', wrap: true },
    ...g.lines.map((line, i) => ({ type: 'TextBlock', text: cardText(line), wrap: true, spacing: isHeading(line, i) ? 'Medium' : 'Small', ...(isHeading(line, i) ? { weight: 'Bolder' } : {}) })),
    ...g.links.map((l) => ({ type: 'TextBlock', text: `[${cardText(l.title)}](${l.url})`, wrap: true, spacing: 'Small' })),
  ];
  const card = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The JSON body of a grouped message for a slack or teams webhook. */
export function groupedBody(format: Exclude<WebhookFormat, 'standard'>, group: GroupedChat): string {
  return JSON.stringify(format === 'slack' ? slack(group) : teams(group));
}
