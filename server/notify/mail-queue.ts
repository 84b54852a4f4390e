/**
 * The one queue of emails Regrant sends itself: alerts and notices about mailboxes, import
 * reports with their CSV. An email is written to the database in the transaction of what
 * caused it, then delivered through NOTIFY_SMTP_URL (or, without one, logged and marked
 * `logged`). Delivery claims a few due emails at once with a lease owned by this instance;
 * a refused send is re-tried on the shared back-off (`retry/policy.ts`), never lost, and an
 * email whose instance died while sending it goes out again (at least once). An email that
 * shows a secret (an alert with share links) is stored with its text and HTML sealed.
 *
 * @example
 *   const queue = createMailQueue({ db, instanceId, smtpUrl, from, logger });
 *   await db.transaction().execute((trx) => queue.add(trx, [{ kind: 'alert', to, subject, text }]));
 *   await queue.kick(); // deliver what is due now
 */
import type { ExpressionBuilder } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { skipLocked } from '../db/dialect.ts';
import { leaseFree } from '../db/leases.ts';
import type { AlertItemKind, Database, DigestKind, MailKind, MailRow } from '../db/schema.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { createKicker } from '../retry/kicker.ts';
import { ownEmailRetryMs } from '../retry/policy.ts';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface QueuedEmail {
  /** Given when the caller needs to point at it (a group's items); else made here. */
  id?: string;
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** An alert item: waits (`grouped`) for its person's group instead of being sent itself. */
  item?: AlertItemKind;
  causeCode?: string;
  /** A composed alert (server/alerts/). */
  digest?: DigestKind;
  /** It shows a secret (a share link): its text and HTML are stored sealed, opened only to send it. */
  secret?: boolean;
  attachments?: MailAttachment[];
  /** What it is about: the mailbox, the event (one email per event and recipient), the import. */
  accountId?: string;
  eventId?: string;
  importId?: string;
}

export interface MailQueueDeps {
  db: Db;
  /** Owns this queue's leases (`server/instances/`). */
  instanceId: string;
  smtpUrl: string | null;
  from: string;
  logger: Logger;
  metrics?: Pick<Metrics, 'ownEmail'>;
  /** When an email is queued (`created_at`), which alert groups count from; tests move it. Delivery runs on real time. */
  clock?: () => Date;
  /** Runs before each delivery round: composes the alert groups that fell due (server/alerts/). */
  compose?: () => Promise<unknown>;
  /** Seals the bodies of emails that show a secret (SECRET_KEY). */
  sealer?: Sealer;
}

/** Where a sealed email's text or HTML part is sealed. */
export const mailBodyContext = (emailId: string, part: 'text' | 'html') => `mail:${emailId}:${part}`;

/** Emails claimed at once; their lease covers sending them one after another. */
const CLAIM_BATCH = 10;
/** How long a claim lasts while its instance lives (nodemailer gives up a stalled send long before). */
const LEASE_MS = 5 * 60_000;

export function createMailQueue({ db, instanceId, smtpUrl, from, logger, metrics, clock = () => new Date(), compose, sealer }: MailQueueDeps) {
  let transport: Transporter | null = smtpUrl ? nodemailer.createTransport(smtpUrl, { from }) : null;

  /**
   * Leases up to `limit` due emails to this instance: pending ones whose back-off ended, and
   * ones left `sending` by an instance that died (or whose lease ran out). One statement; on
   * PostgreSQL the subquery skips rows another instance is claiming at that moment.
   */
  async function claim(limit: number): Promise<MailRow[]> {
    const now = new Date();
    const nowIso = now.toISOString();
    const due = (eb: ExpressionBuilder<Database, 'mail_queue'>) =>
      eb.or([eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]), eb.and([eb('state', '=', 'sending'), leaseFree(eb, { now, me: instanceId })])]);
    return db
      .updateTable('mail_queue')
      .set({ state: 'sending', lease_owner: instanceId, lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('id', 'in', (qb) => skipLocked(db, qb.selectFrom('mail_queue').select('id').where(due).orderBy('next_attempt_at').orderBy('id').limit(limit)))
      .where(due)
      .returningAll()
      .execute();
  }

  /** Ends the claim of `email`, only while it is still this instance's. */
  async function settle(email: MailRow, patch: Partial<Pick<MailRow, 'state' | 'sent_at' | 'last_error' | 'next_attempt_at'>>): Promise<void> {
    await db
      .updateTable('mail_queue')
      .set({ ...patch, attempts: email.attempts + 1, lease_owner: null, lease_until: null })
      .where('id', '=', email.id)
      .where('state', '=', 'sending')
      .where('lease_owner', '=', instanceId)
      .execute();
  }

  async function deliver(email: MailRow, attachments: MailAttachment[]): Promise<void> {
    const about = { email: email.id, account: email.account_id ?? undefined, import: email.import_id ?? undefined, to: email.recipient };
    if (!transport) {
      logger.warn(`${email.kind}.logged`, { ...about, subject: email.subject, why: 'NOTIFY_SMTP_URL is not set' });
      await settle(email, { state: 'logged', sent_at: new Date().toISOString() });
      metrics?.ownEmail(email.kind, 'logged');
      return;
    }
    try {
      const open = (body: string, part: 'text' | 'html') => (email.sealed ? sealer!.open(body, mailBodyContext(email.id, part)) : body);
      await transport.sendMail({ from, to: email.recipient, subject: email.subject, text: open(email.text_body, 'text'), ...(email.html_body ? { html: open(email.html_body, 'html') } : {}), attachments });
      await settle(email, { state: 'sent', sent_at: new Date().toISOString(), last_error: null });
      logger.info(`${email.kind}.sent`, about);
      metrics?.ownEmail(email.kind, 'sent');
    } catch (error) {
      const attempts = email.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      await settle(email, { state: 'pending', last_error: message.slice(0, 500), next_attempt_at: new Date(Date.now() + ownEmailRetryMs(attempts)).toISOString() });
      logger.warn(`${email.kind}.retry`, { ...about, attempts, error: message });
      metrics?.ownEmail(email.kind, 'failed');
    }
  }

  /** Delivers every email due now, a batch at a time. */
  async function dispatchDue(): Promise<void> {
    for (;;) {
      const batch = await claim(CLAIM_BATCH);
      if (batch.length === 0) return;
      const files = await db
        .selectFrom('mail_attachments')
        .selectAll()
        .where('email_id', 'in', batch.map((e) => e.id))
        .orderBy('email_id')
        .orderBy('position')
        .execute();
      for (const email of batch) {
        const attachments = files.filter((f) => f.email_id === email.id).map((f) => ({ filename: f.filename, contentType: f.content_type, content: f.content }));
        await deliver(email, attachments);
      }
    }
  }

  // Each round composes the alert groups that fell due, then delivers what is due.
  const loop = createKicker(
    async () => {
      await compose?.().catch((error) => logger.error('alerts.compose_failed', { error }));
      await dispatchDue();
    },
    (error) => logger.error('mail.dispatch_failed', { error }),
  );

  return {
    /**
     * Queues emails in the caller's transaction (with what caused them); an email for an event
     * and recipient already queued is not queued again.
     */
    async add(trx: Db, emails: QueuedEmail[]): Promise<void> {
      const now = new Date().toISOString();
      const createdAt = clock().toISOString();
      for (const email of emails) {
        const id = email.id ?? newId('eml');
        if (email.secret && !sealer) throw new Error('an email that shows a secret is queued only with a sealer');
        const seal = (body: string, part: 'text' | 'html') => (email.secret ? sealer!.seal(body, mailBodyContext(id, part)) : body);
        const queued = await trx
          .insertInto('mail_queue')
          .values({
            id,
            kind: email.kind,
            recipient: email.to,
            subject: email.subject,
            text_body: seal(email.text, 'text'),
            account_id: email.accountId ?? null,
            event_id: email.eventId ?? null,
            import_id: email.importId ?? null,
            state: email.item ? 'grouped' : 'pending',
            next_attempt_at: now,
            lease_owner: null,
            lease_until: null,
            last_error: null,
            created_at: createdAt,
            sent_at: null,
            html_body: email.html === undefined ? null : seal(email.html, 'html'),
            sealed: email.secret ? 1 : 0,
            item: email.item ?? null,
            cause_code: email.causeCode ?? null,
            digest: email.digest ?? null,
          })
          .onConflict((oc) => oc.columns(['event_id', 'recipient']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!queued || !email.attachments?.length) continue;
        await trx
          .insertInto('mail_attachments')
          .values(email.attachments.map((a, position) => ({ email_id: queued.id, position, filename: a.filename, content_type: a.contentType, content: a.content })))
          .execute();
      }
    },
    /** Delivers what is due now, or once more right after the run under way. */
    kick: loop.kick,
    dispatchDue,
    /** Delivers what is due now and every `everyMs` (alert groups that fell due, re-tries whose back-off ended); returns a stop function. */
    start: (everyMs = 5_000): (() => void) => loop.every(everyMs),
    async close(): Promise<void> {
      await loop.stop();
      transport?.close();
      transport = null;
    },
  };
}

export type MailQueue = ReturnType<typeof createMailQueue>;
