/**
 * Custom mailboxes: any SMTP/IMAP host with a username and password. The check logs in to
 * both servers at once; each failure is reported for the classifier. Sending is SMTP, reading
 * replies and bounces IMAP, both with the saved password.
 */

function settings(mailbox: MailboxCredentials, part: 'smtp' | 'imap'): ServerSettings {
  const s = mailbox[part];
  if (!s) throw new Error(`custom account ${mailbox.id} lacks ${part.toUpperCase()} settings`);
  return s;
}

import { scanImap } from '../mail/imap-scan.ts';
import { openSmtpSender } from '../mail/smtp.ts';
import { resultOf, settle } from '../settle.ts';
import type { CheckContext, MailboxCredentials, Provider, ServerSettings } from '../types.ts';
import { verifyImap } from './imap.ts';
import { verifySmtp } from './smtp.ts';

export const customProvider: Provider = {
  kind: 'custom',
  async check(mailbox, ctx: CheckContext) {
    if (!mailbox.smtp || !mailbox.imap) throw new Error(`custom account ${mailbox.id} lacks SMTP or IMAP settings`);
    return resultOf(
      await Promise.all([settle('smtp', verifySmtp(mailbox.smtp, ctx), ctx.signal), settle('imap', verifyImap(mailbox.imap, ctx), ctx.signal)]),
    );
  },
  async openSender(mailbox, ctx) {
    const smtp = settings(mailbox, 'smtp');
    return openSmtpSender(smtp, { user: smtp.username, pass: smtp.password }, ctx);
  },
  scan(mailbox, request, ctx) {
    const imap = settings(mailbox, 'imap');
    return scanImap(imap, { user: imap.username, pass: imap.password }, request, ctx);
  },
};
