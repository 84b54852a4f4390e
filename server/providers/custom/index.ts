/**
 * Custom mailboxes: any SMTP/IMAP host with a username and password. The check logs in to
 * both servers at once; each failure is reported for the classifier.
 */
import { resultOf, settle } from '../settle.ts';
import type { CheckContext, Provider } from '../types.ts';
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
};
