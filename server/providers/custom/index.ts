/**
 * Custom mailboxes: any SMTP/IMAP host with a username and password. The check logs in to
 * both servers at once; each failure is reported for the classifier.
 */
import type { Failure } from '../../health/classify.ts';
import type { Provider } from '../types.ts';
import { verifyImap } from './imap.ts';
import { verifySmtp } from './smtp.ts';

export const customProvider: Provider = {
  kind: 'custom',
  async check(mailbox, ctx) {
    if (!mailbox.smtp || !mailbox.imap) throw new Error(`custom account ${mailbox.id} lacks SMTP or IMAP settings`);
    const [smtp, imap] = await Promise.allSettled([verifySmtp(mailbox.smtp, ctx), verifyImap(mailbox.imap, ctx)]);
    const failures: Failure[] = [];
    if (smtp.status === 'rejected') failures.push({ source: 'smtp', error: smtp.reason });
    if (imap.status === 'rejected') failures.push({ source: 'imap', error: imap.reason });
    return failures.length ? { ok: false, failures } : { ok: true };
  },
};
