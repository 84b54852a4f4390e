/**
 * The MIME message of a queued email, built by nodemailer's composer with the Message-ID
 * fixed when it was queued: a retry sends the same message, and replies and bounces find it.
 *
 * @example const raw = await composeMessage(row, { email: 'ann@acme.test', name: 'Ann' });
 */
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutboxRow } from '../db/schema.ts';

/** A new Message-ID in the mailbox's own domain, as mail clients make them; `prefix` marks a kind (`regrant-test.`). */
export function newMessageId(fromEmail: string, prefix = ''): string {
  const domain = fromEmail.split('@')[1] || 'regrant.invalid';
  return `<${prefix}${randomUUID()}@${domain}>`;
}

/** `headers` are added as given (the test email's `X-Regrant-Test`). */
export function composeMessage(
  row: Pick<OutboxRow, 'message_id' | 'to_address' | 'subject' | 'text_body' | 'html_body'>,
  from: { email: string; name: string | null },
  headers: Record<string, string> = {},
): Promise<Buffer> {
  const composer = new MailComposer({
    from: from.name ? { name: from.name, address: from.email } : from.email,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    ...(row.html_body !== null ? { html: row.html_body } : {}),
    messageId: row.message_id,
    headers,
  });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}
