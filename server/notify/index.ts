/**
 * Emails to people. Alerts about a lost mailbox are recorded in the transaction that caused
 * them as items, one per recipient, and grouped per person into one email (server/alerts/);
 * notices (connected, reconnected), import reports and any other email Regrant sends itself go
 * straight into the same queue (`mail-queue.ts`), which delivers them through NOTIFY_SMTP_URL
 * or, without one, records and logs them.
 *
 * @example
 *   const notifier = createNotifier({ db, instanceId, smtpUrl, from, logger, alerts: { timers, workspace, links } });
 *   await notifier.record(trx, { accountId, eventId, recipients, subject, text, item: 'lost', causeCode });
 *   notifier.kick(); // compose the groups that are due, deliver what is due now
 */
import type { AlertTimers } from '../config/index.ts';
import type { Db } from '../db/index.ts';
import type { AlertItemKind } from '../db/schema.ts';
import { createAlertGroups, type AlertGroups, type AlertGroupsDeps } from '../alerts/grouper.ts';
import { createMailQueue, type MailQueueDeps } from './mail-queue.ts';

export type AlertDraft = {
  accountId: string;
  eventId: string;
  recipients: string[];
  subject: string;
  text: string;
  /** An item for the recipients' groups (a lost mailbox, a resolved operator cause), not an email of its own. */
  item?: AlertItemKind;
  causeCode?: string;
};

/** Sent at once unless told otherwise: tests and callers without groups keep today's pace. */
const IMMEDIATE: AlertTimers = { groupWaitSeconds: 0, groupIntervalSeconds: 0, reminderHours: 0, timeZone: 'UTC' };

export interface NotifierDeps extends MailQueueDeps {
  alerts?: { timers: AlertTimers; workspace: string; links?: AlertGroupsDeps['links'] };
}

export function createNotifier(deps: NotifierDeps) {
  let groups: AlertGroups | null = null;
  const queue = createMailQueue({ ...deps, compose: () => groups?.composeDue() ?? Promise.resolve(0) });
  groups = createAlertGroups({ db: deps.db, clock: deps.clock ?? (() => new Date()), timers: deps.alerts?.timers ?? IMMEDIATE, workspace: deps.alerts?.workspace ?? 'Regrant', links: deps.alerts?.links, add: queue.add, logger: deps.logger });

  return {
    ...queue,
    groups,
    /** Queues an alert (or notice) to each recipient, once per event; call inside the transaction that wrote the event. */
    record(trx: Db, draft: AlertDraft): Promise<void> {
      return queue.add(
        trx,
        draft.recipients.map((to) => ({ kind: 'alert' as const, to, subject: draft.subject, text: draft.text, accountId: draft.accountId, eventId: draft.eventId, item: draft.item, causeCode: draft.causeCode })),
      );
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
