/**
 * Emails to people. Alerts and notices about a mailbox are recorded in the transaction that
 * caused them, one per recipient; import reports and any other email Regrant sends itself go
 * through the same queue (`mail-queue.ts`), which delivers them through NOTIFY_SMTP_URL or,
 * without one, records and logs them.
 *
 * @example
 *   const notifier = createNotifier({ db, instanceId, smtpUrl, from, logger });
 *   await notifier.record(trx, { accountId, eventId, recipients, subject, text });
 *   notifier.kick(); // deliver what is due now
 */
import type { Db } from '../db/index.ts';
import { createMailQueue, type MailQueueDeps } from './mail-queue.ts';

export type AlertDraft = { accountId: string; eventId: string; recipients: string[]; subject: string; text: string };

export function createNotifier(deps: MailQueueDeps) {
  const queue = createMailQueue(deps);
  return {
    ...queue,
    /** Queues an alert (or notice) to each recipient, once per event; call inside the transaction that wrote the event. */
    record(trx: Db, draft: AlertDraft): Promise<void> {
      return queue.add(
        trx,
        draft.recipients.map((to) => ({ kind: 'alert' as const, to, subject: draft.subject, text: draft.text, accountId: draft.accountId, eventId: draft.eventId })),
      );
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
