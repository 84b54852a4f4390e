/**
 * Custom mailboxes: any SMTP/IMAP host with a username and password. The check logs in to
 * both servers at once; each failure is reported for the classifier. When the check's time
 * runs out it answers at once with what it has: a refusal that already arrived still counts.
 */
import type { Failure } from '../../health/classify.ts';
import type { CheckContext, Provider } from '../types.ts';
import { verifyImap } from './imap.ts';
import { verifySmtp } from './smtp.ts';

function outcome(source: Failure['source'], run: Promise<void>, signal: AbortSignal): Promise<Failure | null> {
  const settled = run.then(
    () => null,
    (error: unknown) => ({ source, error }),
  );
  const aborted = new Promise<Failure>((resolve) => {
    const cut = () => resolve({ source, error: signal.reason });
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
  });
  return Promise.race([settled, aborted]);
}

export const customProvider: Provider = {
  kind: 'custom',
  async check(mailbox, ctx: CheckContext) {
    if (!mailbox.smtp || !mailbox.imap) throw new Error(`custom account ${mailbox.id} lacks SMTP or IMAP settings`);
    const results = await Promise.all([
      outcome('smtp', verifySmtp(mailbox.smtp, ctx), ctx.signal),
      outcome('imap', verifyImap(mailbox.imap, ctx), ctx.signal),
    ]);
    const failures = results.filter((r): r is Failure => r !== null);
    return failures.length ? { ok: false, failures } : { ok: true };
  },
};
