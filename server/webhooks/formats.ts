/**
 * What a webhook receives, per format: Standard Webhooks JSON for machines, a Slack
 * incoming-webhook message (`text` + `blocks`; Mattermost and Discord's Slack endpoint read
 * `text`) and a Teams message with an Adaptive Card for people. The human ones name the
 * mailbox, the reason in words, since when, the emails waiting, and a button to fix it.
 *
 * @example
 *   const body = webhookBody('slack', event); // JSON text, the same on every attempt
 */
import { MAILBOX_KIND_LABEL, type ProviderKind, type WebhookEvent, type WebhookFormat } from '../../shared/api.ts';

/** One state change of a mailbox, as every format tells it. */
export interface MailboxEvent {
  type: WebhookEvent;
  /** When it happened (ISO). */
  at: string;
  workspace: string;
  accountId: string;
  email: string;
  provider: ProviderKind;
  state: string;
  /** `hint`: how to fix it, in words. */
  reason: { code: string; message: string; hint?: string };
  pendingEmails: number;
  /** The incident's share link (Google/Microsoft mailboxes that need re-authentication). */
  shareUrl?: string;
  /** The incident's repair link of a custom mailbox: its holder enters the new password there. */
  fixUrl?: string;
}

/** A test of the webhook, from its owner. */
export interface TestEvent {
  type: 'webhook.test';
  at: string;
  workspace: string;
  webhookId: string;
}

const HEADLINE: Record<WebhookEvent, (email: string) => string> = {
  'mailbox.needs_reauth': (email) => `${email} needs re-authentication`,
  'mailbox.unreachable': (email) => `${email} is unreachable`,
  'mailbox.reconnected': (email) => `${email} is reconnected`,
};

/** "2026-12-04 19:50 UTC" */
export const when = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
const waiting = (n: number) => (n === 1 ? '1 email waiting' : `${n} emails waiting`);

function facts(e: MailboxEvent): Array<[string, string]> {
  return [
    ['Mailbox', `${e.email} (${MAILBOX_KIND_LABEL[e.provider]})`],
    ['What happened', e.reason.message],
    [e.type === 'mailbox.reconnected' ? 'At' : 'Since', when(e.at)],
    ['Emails waiting', String(e.pendingEmails)],
    ...(e.reason.hint && e.type !== 'mailbox.reconnected' ? [['How to fix it', e.reason.hint] as [string, string]] : []),
  ];
}

export function button(e: MailboxEvent): { title: string; url: string } | null {
  if (e.shareUrl) return { title: `Reconnect ${e.email}`, url: e.shareUrl };
  if (e.fixUrl) return { title: `Fix ${e.email}`, url: e.fixUrl };
  return null;
}

function standard(e: MailboxEvent | TestEvent): object {
  if (e.type === 'webhook.test') return { type: e.type, timestamp: e.at, data: { webhookId: e.webhookId, workspace: e.workspace } };
  // Named one by one: this body is a contract with other systems.
  const { accountId, email, provider, state, reason, pendingEmails, shareUrl, fixUrl } = e;
  const links = { ...(shareUrl ? { shareUrl } : {}), ...(fixUrl ? { fixUrl } : {}) };
  return { type: e.type, timestamp: e.at, data: { accountId, email, provider, state, reason, pendingEmails, since: e.at, ...links } };
}

/** Slack's mrkdwn needs &, < and > escaped; everything else is text. */
export const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function slack(e: MailboxEvent | TestEvent): object {
  if (e.type === 'webhook.test') {
    const text = `${e.workspace} (Regrant): this channel will hear when a mailbox loses its login, becomes unreachable or is reconnected.`;
    return { text: slackText(text), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackText(text) } }] };
  }
  const icon = e.type === 'mailbox.reconnected' ? ':white_check_mark:' : ':warning:';
  const link = button(e);
  const line = `${icon} *${slackText(HEADLINE[e.type](e.email))}* (${slackText(e.workspace)}): ${slackText(e.reason.message)} Since ${when(e.at)}, ${waiting(e.pendingEmails)}.`;
  const text = link ? `${line} <${link.url}|${slackText(link.title)}>` : line;
  const blocks: object[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${slackText(HEADLINE[e.type](e.email))}*` } },
    { type: 'section', fields: facts(e).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackText(v)}` })) },
  ];
  if (link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: link.title }, url: link.url, style: 'primary' }] });
  return { text, blocks };
}

function teams(e: MailboxEvent | TestEvent): object {
  const body: object[] = [];
  const actions: object[] = [];
  if (e.type === 'webhook.test') {
    body.push({ type: 'TextBlock', text: `${e.workspace} (Regrant): this channel will hear when a mailbox loses its login, becomes unreachable or is reconnected.`, wrap: true });
  } else {
    const good = e.type === 'mailbox.reconnected';
    body.push({ type: 'TextBlock', text: HEADLINE[e.type](e.email), weight: 'Bolder', size: 'Medium', color: good ? 'Good' : 'Attention', wrap: true });
    body.push({ type: 'FactSet', facts: facts(e).map(([title, value]) => ({ title, value })) });
    const link = button(e);
    if (link) actions.push({ type: 'Action.OpenUrl', title: link.title, url: link.url });
  }
  const card = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, ...(actions.length ? { actions } : {}) };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

const WRITERS: Record<WebhookFormat, (e: MailboxEvent | TestEvent) => object> = { standard, slack, teams };

/** The JSON body a webhook of `format` receives for `event`. */
export function webhookBody(format: WebhookFormat, event: MailboxEvent | TestEvent): string {
  return JSON.stringify(WRITERS[format](event));
}
