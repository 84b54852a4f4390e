/**
 * Custom mailboxes: any SMTP/IMAP host with a username and password. The check logs in to
 * both servers at once; each failure is reported for the classifier. Sending is SMTP, reading
 * replies and bounces IMAP, both with the saved password. Every connection goes through the
 * host guard: a host on an internal network is refused, however it resolves today.
 *
 * @example const custom = customProvider(createHostGuard({ allowed: config.allowPrivateHosts }));
 */
import type { HostGuard } from '../../net/index.ts';
import { scanImap } from '../mail/imap-scan.ts';
import { openSmtpSender } from '../mail/smtp.ts';
import { resultOf, settle } from '../settle.ts';
import type { CheckContext, MailboxCredentials, Provider, ServerSettings } from '../types.ts';
import { verifyImap } from './imap.ts';
import { verifySmtp } from './smtp.ts';

function settings(mailbox: MailboxCredentials, part: 'smtp' | 'imap'): ServerSettings {
  const s = mailbox[part];
  if (!s) throw new Error(`custom account ${mailbox.id} lacks ${part.toUpperCase()} settings`);
  return s;
}

export function customProvider(hosts: HostGuard): Provider {
  const guarded = (ctx: CheckContext) => ({ ...ctx, hosts });
  return {
    kind: 'custom',
    async check(mailbox, ctx) {
      if (!mailbox.smtp || !mailbox.imap) throw new Error(`custom account ${mailbox.id} lacks SMTP or IMAP settings`);
      return resultOf(
        await Promise.all([settle('smtp', verifySmtp(mailbox.smtp, guarded(ctx)), ctx.signal), settle('imap', verifyImap(mailbox.imap, guarded(ctx)), ctx.signal)]),
      );
    },
    async openSender(mailbox, ctx) {
      const smtp = settings(mailbox, 'smtp');
      return openSmtpSender(smtp, { user: smtp.username, pass: smtp.password }, guarded(ctx));
    },
    scan(mailbox, request, ctx) {
      const imap = settings(mailbox, 'imap');
      return scanImap(imap, { user: imap.username, pass: imap.password }, request, guarded(ctx));
    },
  };
}
