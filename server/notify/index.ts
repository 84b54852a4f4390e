/**
 * Alerts to people. An alert is written to the database in the same transaction as the
 * incident that causes it, then delivered by `dispatchDue`: sent through NOTIFY_SMTP_URL,
 * or, without one, recorded and logged. A failed send is re-tried with back-off, never lost.
 *
 * @example
 *   const notifier = createNotifier({ db, smtpUrl, from, logger });
 *   notifier.kick(); // deliver what is due now
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/index.ts';
import type { AlertState } from '../db/schema.ts';
import { newId } from '../db/ids.ts';
import type { Logger } from '../log/index.ts';

export interface NotifierDeps {
  db: Db;
  smtpUrl: string | null;
  from: string;
  logger: Logger;
}

/** Back-off between delivery attempts: 30 s, 2 min, 10 min, then hourly. */
export function retryDelayMs(attempts: number): number {
  return [30_000, 120_000, 600_000][attempts - 1] ?? 3600_000;
}

/** How long a delivery under way is left alone before another attempt may take it. */
const SENDING_CLAIM_MS = 5 * 60_000;

export type AlertDraft = { accountId: string; eventId: string; recipients: string[]; subject: string; text: string };

export function createNotifier({ db, smtpUrl, from, logger }: NotifierDeps) {
  let transport: Transporter | null = smtpUrl ? nodemailer.createTransport(smtpUrl, { from }) : null;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function deliverOne(alert: { id: string; recipient: string; subject: string; body: string; attempts: number; account_id: string }) {
    const now = new Date();
    if (!transport) {
      logger.warn('alert.logged', { alert: alert.id, account: alert.account_id, to: alert.recipient, subject: alert.subject, why: 'NOTIFY_SMTP_URL is not set' });
      await db.updateTable('alerts').set({ state: 'logged', sent_at: now.toISOString(), attempts: alert.attempts + 1 }).where('id', '=', alert.id).execute();
      return;
    }
    try {
      await transport.sendMail({ from, to: alert.recipient, subject: alert.subject, text: alert.body });
      await db.updateTable('alerts').set({ state: 'sent', sent_at: new Date().toISOString(), attempts: alert.attempts + 1, last_error: null }).where('id', '=', alert.id).execute();
      logger.info('alert.sent', { alert: alert.id, account: alert.account_id, to: alert.recipient });
    } catch (error) {
      const attempts = alert.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('alerts')
        .set({ state: 'pending', attempts, last_error: message.slice(0, 500), next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)).toISOString() })
        .where('id', '=', alert.id)
        .execute();
      logger.warn('alert.retry', { alert: alert.id, to: alert.recipient, attempts, error: message });
    }
  }

  /**
   * Takes an alert for delivery, so that a second server process does not send it too. A
   * process that dies while sending leaves it `sending`; it is taken again once the claim
   * lapses (delivery is at least once, never lost).
   */
  async function claim(alert: { id: string; state: AlertState; next_attempt_at: string }): Promise<boolean> {
    const result = await db
      .updateTable('alerts')
      .set({ state: 'sending', next_attempt_at: new Date(Date.now() + SENDING_CLAIM_MS).toISOString() })
      .where('id', '=', alert.id)
      .where('state', '=', alert.state)
      .where('next_attempt_at', '=', alert.next_attempt_at)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async function dispatchDue(): Promise<void> {
    const due = await db
      .selectFrom('alerts')
      .select(['id', 'recipient', 'subject', 'body', 'attempts', 'account_id', 'state', 'next_attempt_at'])
      .where('state', 'in', ['pending', 'sending'])
      .where('next_attempt_at', '<=', new Date().toISOString())
      .orderBy('id')
      .limit(100)
      .execute();
    for (const alert of due) {
      if (await claim(alert)) await deliverOne(alert);
    }
  }

  /** Runs dispatchDue now, or once more right after the run under way. */
  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await dispatchDue().catch((error) => logger.error('alert.dispatch_failed', { error }));
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** Writes one pending alert per recipient; call inside the transaction that opened the incident. */
    async record(trx: Db, draft: AlertDraft): Promise<void> {
      const now = new Date().toISOString();
      if (draft.recipients.length === 0) return;
      await trx
        .insertInto('alerts')
        .values(
          draft.recipients.map((recipient) => ({
            id: newId('alr'),
            account_id: draft.accountId,
            event_id: draft.eventId,
            recipient,
            subject: draft.subject,
            body: draft.text,
            state: 'pending' as const,
            next_attempt_at: now,
            last_error: null,
            created_at: now,
            sent_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['event_id', 'recipient']).doNothing())
        .execute();
    },
    kick,
    dispatchDue,
    /**
     * Sends one email now (an import report with its attachment): `sent`, or `logged` when
     * NOTIFY_SMTP_URL is not set. Throws when the mail server refuses; the caller re-tries.
     */
    async sendNow(mail: { to: string; subject: string; text: string; attachments?: { filename: string; content: string; contentType: string }[] }): Promise<'sent' | 'logged'> {
      if (!transport) {
        logger.warn('mail.logged', { to: mail.to, subject: mail.subject, why: 'NOTIFY_SMTP_URL is not set' });
        return 'logged';
      }
      await transport.sendMail({ from, ...mail });
      return 'sent';
    },
    /** Re-tries failed deliveries every `everyMs`; returns a stop function. */
    start(everyMs = 15_000): () => void {
      timer = setInterval(() => void kick(), everyMs);
      timer.unref();
      void kick();
      return () => {
        if (timer) clearInterval(timer);
        timer = null;
      };
    },
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
      transport?.close();
      transport = null;
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
