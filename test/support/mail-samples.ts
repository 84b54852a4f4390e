/**
 * Incoming mail as it really looks, for reply and bounce detection: a person's reply, an
 * out-of-office answer, an RFC 3464 delivery report, a Postfix-style bounce without one, and
 * mail that answers nothing of ours. Plus putting mail into a Dovecot inbox over IMAP.
 *
 * @example await appendToInbox(imap, 'ann@acme.test', 'pw', reply('<id@acme.test>', 'bob@example.test'));
 */
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { ReceivedMail } from './smtp.ts';

const id = (domain: string) => `<${randomUUID()}@${domain}>`;
const date = () => new Date().toUTCString();

export function reply(original: string, from: string, to: string, text = 'Sounds good, let us talk on Monday.'): string {
  return [`From: ${from}`, `To: ${to}`, 'Subject: Re: Hello', `Date: ${date()}`, `Message-ID: ${id('example.test')}`, `In-Reply-To: ${original}`, `References: ${original}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n');
}

export function outOfOffice(original: string, from: string, to: string): string {
  return [`From: ${from}`, `To: ${to}`, 'Subject: Automatic reply: Hello', `Date: ${date()}`, `Message-ID: ${id('example.test')}`, `In-Reply-To: ${original}`, 'Auto-Submitted: auto-replied', 'X-Autoreply: yes', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'I am out of the office until Monday.', ''].join('\r\n');
}

/** An RFC 3464 report: multipart/report with the delivery-status part and the returned headers. */
export function deliveryReport(original: string, from: string, recipient: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>',
    `To: ${from}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${date()}`,
    `Message-ID: ${id('mx.example.test')}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="=_report"',
    '',
    '--=_report',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.test. Your message could not be delivered.',
    '',
    '--=_report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822;${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected:`,
    '    User unknown in virtual mailbox table',
    '',
    '--=_report',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${from}`,
    `To: ${recipient}`,
    'Subject: Hello',
    `Message-ID: ${original}`,
    '',
    '--=_report--',
    '',
  ].join('\r\n');
}

/** The older form many servers still send: plain text from postmaster quoting the original. */
export function plainBounce(original: string, from: string, recipient: string): string {
  return [
    'From: postmaster@mail.example.test',
    `To: ${from}`,
    'Subject: Delivery Status Notification (Failure)',
    `Date: ${date()}`,
    `Message-ID: ${id('mail.example.test')}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Delivery to the following recipient failed permanently:`,
    '',
    `     ${recipient}`,
    '',
    'Technical details of permanent failure:',
    `The email account that you tried to reach does not exist. 550 5.1.1 ${recipient} user unknown`,
    '',
    '----- Original message -----',
    '',
    `Message-ID: ${original}`,
    'Subject: Hello',
    '',
  ].join('\r\n');
}

/** Ordinary mail that answers nothing Regrant sent. */
export function unrelated(from: string, to: string): string {
  return [`From: ${from}`, `To: ${to}`, 'Subject: Newsletter', `Date: ${date()}`, `Message-ID: ${id('news.example.test')}`, 'Content-Type: text/plain', '', 'News!', ''].join('\r\n');
}

/** Appends messages to the user's INBOX, logging in as the mailbox holder. */
export async function appendToInbox(imap: { host: string; port: number }, user: string, password: string, messages: string[]): Promise<void> {
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  try {
    for (const m of messages) await client.append('INBOX', m);
  } finally {
    await client.logout();
  }
}

/**
 * The test SMTP server's `deliver`: mail for a recipient named in `passwords` goes into that
 * user's Dovecot INBOX, as a real mail server would put it; other recipients get nothing.
 */
export function intoInboxes(imap: { host: string; port: number }, passwords: Record<string, string>) {
  return async (mail: ReceivedMail): Promise<void> => {
    for (const to of mail.to) {
      const password = passwords[to.toLowerCase()];
      if (password !== undefined) await appendToInbox(imap, to, password, [mail.raw]);
    }
  };
}
