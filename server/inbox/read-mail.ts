/**
 * What Regrant needs to know about one incoming email, read with mailparser: who sent it,
 * which emails it answers (In-Reply-To, References), whether a machine wrote it (auto-reply
 * headers and subjects), and whether it is a bounce: an RFC 3464 delivery report
 * (`multipart/report; report-type=delivery-status`) or one of the common non-standard forms
 * (from MAILER-DAEMON/postmaster, "Undelivered Mail Returned to Sender" and the like).
 *
 * @example const mail = await readMail(raw); if (mail.bounce) …
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';

export interface Bounce {
  /** Final-Recipient (or the address the text names), lowercased. */
  recipient: string | null;
  /** Enhanced status code, such as 5.1.1. */
  status: string | null;
  action: string | null;
  diagnostic: string | null;
  /** Message-IDs the bounce quotes: the original email's is among them. */
  quotedIds: string[];
}

export interface IncomingMail {
  /** Its Message-ID, or a digest of the whole message when it has none. */
  id: string;
  from: string | null;
  subject: string | null;
  date: Date;
  /** In-Reply-To and References: the emails it answers. */
  answers: string[];
  autoReply: boolean;
  bounce: Bounce | null;
}

const MESSAGE_ID = /<[^<>\s@]+@[^<>\s]+>/g;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mail delivery (subsystem|system))\b|^(mailer-daemon|postmaster)@/i;
const BOUNCE_SUBJECT = /undeliver(ed|able)|returned mail|delivery (status notification \(failure\)|failure|has failed|failed)|mail delivery failed|failure notice|could not be delivered|non[- ]?delivery/i;
const AUTO_SUBJECT = /^(auto(matic)?[ -]?(reply|response)|out of (the )?office)|\bautoreply\b|\bout of office\b/i;

function header(headers: Map<string, unknown>, name: string): string {
  const value = headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in (value as object)) return String((value as { value: unknown }).value);
  return String(value);
}

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address: string | null; name: string } {
  const first = (Array.isArray(from) ? from[0] : from)?.value[0];
  return { address: first?.address?.toLowerCase() ?? null, name: first?.name ?? '' };
}

/** A DSN field's value ("Status: 5.1.1"), unfolded; null when absent. */
function field(text: string, name: string): string | null {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t]+.*)*)`, 'im').exec(text);
  return match ? match[1].replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

function readBounce(report: string, subject: string): Bounce {
  const finalRecipient = field(report, 'Final-Recipient') ?? field(report, 'Original-Recipient');
  const recipient = finalRecipient?.replace(/^[^;]*;\s*/, '').trim().toLowerCase() ?? null;
  const status = field(report, 'Status')?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? report.match(/\b5\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? null;
  const action = field(report, 'Action')?.toLowerCase() ?? (/delay/i.test(subject) ? 'delayed' : 'failed');
  const diagnostic = field(report, 'Diagnostic-Code')?.replace(/^smtp;\s*/i, '').slice(0, 500) ?? null;
  return { recipient, status, action, diagnostic, quotedIds: [...new Set(report.match(MESSAGE_ID) ?? [])] };
}

export async function readMail(raw: Buffer): Promise<IncomingMail> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const headers = parsed.headers as Map<string, unknown>;
  const subject = parsed.subject ?? '';
  const sender = firstAddress(parsed.from);
  const references = Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : [];
  const answers = [...new Set([parsed.inReplyTo ?? '', ...references].flatMap((v) => v.match(MESSAGE_ID) ?? []))];

  const autoSubmitted = header(headers, 'auto-submitted').toLowerCase();
  const precedence = header(headers, 'precedence').toLowerCase();
  const autoReply =
    autoSubmitted.startsWith('auto-replied') ||
    headers.has('x-autoreply') ||
    headers.has('x-autorespond') ||
    precedence === 'auto_reply' ||
    AUTO_SUBJECT.test(subject);

  const contentType = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = contentType?.value === 'multipart/report' && /delivery-status/i.test(contentType.params?.['report-type'] ?? '');
  const fromDaemon = BOUNCE_SENDER.test(sender.address ?? '') || BOUNCE_SENDER.test(sender.name);
  const looksBounced = isReport || (fromDaemon && BOUNCE_SUBJECT.test(subject)) || (autoSubmitted.startsWith('auto-generated') && BOUNCE_SUBJECT.test(subject));
  // The delivery-status part reads as text; the returned email or its headers come as attachments.
  const report = looksBounced ? [parsed.text ?? '', ...parsed.attachments.map((a) => a.content.toString('utf8'))].join('\n') : '';
  const bounce = looksBounced ? readBounce(report, subject) : null;
  if (bounce && parsed.messageId) bounce.quotedIds = bounce.quotedIds.filter((id) => id !== parsed.messageId);

  return {
    id: parsed.messageId ?? `<sha256.${createHash('sha256').update(raw).digest('hex')}@regrant.invalid>`,
    from: sender.address,
    subject: parsed.subject ?? null,
    date: parsed.date ?? new Date(),
    answers,
    autoReply: autoReply && !bounce,
    bounce,
  };
}
