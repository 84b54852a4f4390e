/**
 * The words of a grouped alert: one person's new losses (or, for a reminder, everything still
 * broken for them), as sections of plain facts. The text part and the HTML part (html.ts) are
 * both rendered from these sections, so they hold the same facts; slack and teams messages can
 * be made from them too (`groupedMessage` in index.ts).
 *
 * @example
 *   const d = digestOf({ kind: 'group', workspace: 'Acme', recipient: 'ann@acme.test', timeZone: 'UTC', now, operator: [], resolved: [], causes, mailboxes, fixed: [] });
 *   d.subject; // 'Acme: smtp.office365.com refuses SMTP AUTH for 30 mailboxes of acme.test'
 *   digestText(d);
 */
import { SIGN_IN_LABEL, type ProviderKind } from '../../shared/api.ts';
import type { DigestKind } from '../db/schema.ts';
import type { Audience } from './audience.ts';
import { clockTime, when } from './when.ts';

export interface DigestMailbox {
  email: string;
  provider: ProviderKind;
  reason: string;
  hint: string | null;
  /** When it broke (ISO). */
  since: string;
  pendingEmails: number;
  /** What the mail server or provider said, verbatim: text, never markup. */
  said: string | null;
  audience: Audience;
  /** The incident's share link (a repair link for a custom mailbox); null when only an administrator can fix it. */
  link: { url: string; expiresAt: string } | null;
}

export interface DigestOperatorCause {
  code: string;
  title: string;
  setting: string;
  hint: string | null;
  /** Mailboxes that wait on it, everywhere. */
  waiting: number;
}

export interface DigestCause {
  message: string;
  hint: string | null;
  emails: string[];
}

export interface DigestInput {
  kind: DigestKind;
  workspace: string;
  /** Whom the email is for (lower case): the mailbox itself is told in its holder's words. Null for a chat. */
  recipient: string | null;
  timeZone: string;
  now: Date;
  operator: DigestOperatorCause[];
  /** Operator causes fixed since the admins were told. */
  resolved: Pick<DigestOperatorCause, 'code' | 'title' | 'setting'>[];
  causes: DigestCause[];
  mailboxes: DigestMailbox[];
  /** Reconnected before this email went out. */
  fixed: string[];
}

/** One fact of a section: a line of its own, with details under it, and where to fix it. */
export interface DigestItem {
  title: string;
  lines: string[];
  /** The fix, one press away: the text part shows `label: url`, the HTML part that and a button (`button`, naming the mailbox). */
  link?: { label: string; url: string; button: string };
}

export interface DigestSection {
  heading: string;
  intro?: string;
  items: DigestItem[];
}

export interface Digest {
  subject: string;
  /** The first sentence, before the sections. */
  summary: string;
  sections: DigestSection[];
  footer: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function subjectOf(d: DigestInput): string {
  const ws = d.workspace;
  const broken = d.mailboxes.length;
  if (d.kind === 'reminder') return `${ws} reminder: ${plural(broken + d.operator.length, 'problem')} still open`;
  if (d.operator.length && !broken) return `${ws}: ${d.operator[0].title} (${plural(d.operator[0].waiting, 'mailbox', 'mailboxes')} wait)`;
  if (d.causes.length === 1 && d.causes[0].emails.length === broken) return `${ws}: ${d.causes[0].message.split(':')[0]}`;
  if (broken === 1) return `${ws}: ${d.mailboxes[0].email} ${d.mailboxes[0].audience === 'tenant' ? 'needs an administrator' : 'needs re-authentication'}`;
  if (broken > 1) return `${ws}: ${broken} mailboxes need attention`;
  return `${ws}: resolved: ${d.resolved.map((r) => r.title).join('; ')}`;
}

/**
 * How to fix `m`, for whoever reads it. The mailbox's own address is its holder, who has no
 * Regrant login and no extension: the link is the whole fix. Everyone else may use the link
 * or pass it on. No link: only an administrator can fix it, and the hint says how.
 */
function fixOf(m: DigestMailbox, d: DigestInput): Pick<DigestItem, 'lines' | 'link'> {
  const { link } = m;
  if (!link) return { lines: [`How to fix it: ${m.hint ?? 'Re-authenticate the mailbox in Regrant.'}`] };
  const holder = d.recipient === m.email.toLowerCase();
  const signIn = m.provider === 'custom' ? null : `sign in with ${SIGN_IN_LABEL[m.provider]} as ${m.email}`;
  const terms = `The link works once, for this mailbox only, until ${clockTime(link.expiresAt, d.timeZone)}; it is the same in every message about this problem.`;
  if (holder) {
    return {
      lines: [`How to fix it: open the link below and ${signIn ?? 'enter the mailbox\'s new password'}. You need no Regrant account.`, terms],
      link: { label: 'Your link', url: link.url, button: signIn ? 'Reconnect your mailbox' : 'Enter the new password' },
    };
  }
  const who = signIn ? `Open it and ${signIn}, or send it to whoever holds the mailbox.` : 'Whoever knows the mailbox\'s new password enters it there: you, or the person you send it to.';
  return { lines: [`How to fix it: ${m.hint ?? 'use the link below.'}`, who, terms], link: { label: signIn ? 'Reconnect link' : 'Repair link', url: link.url, button: `${signIn ? 'Reconnect' : 'Repair'} ${m.email}` } };
}

function mailboxItem(m: DigestMailbox, d: DigestInput): DigestItem {
  const fix = fixOf(m, d);
  const lines = [`What happened: ${m.reason}`, `Since: ${when(m.since, d.timeZone, d.now)}`, `Emails waiting: ${m.pendingEmails}`, ...fix.lines];
  if (m.audience === 'tenant') lines.push('Re-granting or a new password will not help: an administrator of the organisation has to act.');
  if (m.said) lines.push(`The server said: ${m.said}`);
  return { title: m.email, lines, ...(fix.link ? { link: fix.link } : {}) };
}

export function digestOf(d: DigestInput): Digest {
  const sections: DigestSection[] = [];
  if (d.operator.length) {
    sections.push({
      heading: 'Regrant\'s own setting is refused',
      intro: 'Only the Regrant operator can fix this; owners and mailboxes are not told, and re-granting will not help.',
      items: d.operator.map((o) => ({ title: o.title, lines: [`Setting: ${o.setting}`, `Mailboxes waiting on it: ${o.waiting}`, ...(o.hint ? [`How to fix it: ${o.hint}`] : [])] })),
    });
  }
  if (d.resolved.length) {
    sections.push({ heading: 'Resolved', items: d.resolved.map((r) => ({ title: `${r.title}: fixed`, lines: [`Setting: ${r.setting}`, 'The mailboxes that waited on it work again.'] })) });
  }
  if (d.causes.length) {
    sections.push({ heading: 'One cause', items: d.causes.map((c) => ({ title: c.message, lines: [...(c.hint ? [`How to fix it: ${c.hint}`] : []), `Mailboxes: ${c.emails.join(', ')}`] })) });
  }
  if (d.mailboxes.length) {
    sections.push({
      heading: d.kind === 'reminder' ? 'Still broken' : 'Mailboxes that lost access',
      intro:
        d.mailboxes.length === 1
          ? `Until it is fixed, nothing is sent from ${d.mailboxes[0].email}, and replies and bounces to it are not detected; its emails are held and go out once it is fixed.`
          : 'Until each is fixed, nothing is sent from it, and replies and bounces to it are not detected; its emails are held and go out once it is fixed.',
      items: d.mailboxes.map((m) => mailboxItem(m, d)),
    });
  }
  if (d.fixed.length) sections.push({ heading: 'Already fixed', items: d.fixed.map((email) => ({ title: email, lines: ['Reconnected before this email went out.'] })) });
  const waiting = d.mailboxes.reduce((n, m) => n + m.pendingEmails, 0);
  const summary =
    d.kind === 'reminder'
      ? `Reminder from ${d.workspace}: ${plural(d.mailboxes.length, 'mailbox', 'mailboxes')} still ${d.mailboxes.length === 1 ? 'needs' : 'need'} attention${d.operator.length ? `, and ${plural(d.operator.length, 'setting')} of Regrant ${d.operator.length === 1 ? 'is' : 'are'} still refused` : ''}; ${plural(waiting, 'email')} waiting.`
      : d.mailboxes.length
        ? `${d.workspace} lost access to ${plural(d.mailboxes.length, 'mailbox', 'mailboxes')}; ${plural(waiting, 'email')} waiting.`
        : d.operator.length
          ? `${d.workspace} cannot use ${plural(d.operator.reduce((n, o) => n + o.waiting, 0), 'mailbox', 'mailboxes')} because of its own settings.`
          : `${d.workspace}: a problem with its own settings is resolved.`;
  return {
    subject: subjectOf(d),
    summary,
    sections,
    footer: `You receive this because you are an admin of ${d.workspace}, the owner of these mailboxes, or the mailbox itself. At most one email per person every few minutes${d.kind === 'reminder' ? '; reminders follow while something stays broken' : ''}.`,
  };
}

/** The plain-text part. */
export function digestText(g: Digest): string {
  const out = [g.summary, ''];
  for (const s of g.sections) {
    out.push(s.heading.toUpperCase(), ...(s.intro ? [s.intro] : []), '');
    for (const item of s.items) out.push(`- ${item.title}`, ...item.lines.map((l) => `  ${l}`), ...(item.link ? [`  ${item.link.label}: ${item.link.url}`] : []), '');
  }
  out.push(g.footer);
  return out.join('\n');
}
