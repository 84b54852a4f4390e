/**
 * The outbox as people see it: queue an email from a mailbox they may use, read it back, and
 * count what each mailbox still holds. Queuing bumps the status version: `pendingEmails` is
 * part of /api/status and its ETag.
 *
 * @example const { id, state } = await queue.enqueue(actor, { accountId, to, subject, text });
 */
import type { MessageView, QueuedMessage } from '../../shared/api.ts';
import type { QueueMessageInput } from '../../shared/schemas.ts';
import type { Accounts, Actor } from '../accounts/index.ts';
import { markStatusChange } from '../accounts/status-stamp.ts';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { OutboxRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newMessageId } from './compose.ts';

/**
 * Bytes (subject, text and HTML) one mailbox may hold waiting to go out. A mailbox that lost
 * its grant holds everything queued for it until it is re-granted: this bounds what that costs.
 */
export const QUEUED_BYTES_PER_MAILBOX = 10 * 1024 * 1024;

/** Still to go out: what /api/status counts as `pendingEmails`. */
export const WAITING = ['pending', 'sending'] as const;

export function messageView(row: OutboxRow): MessageView {
  return {
    id: row.id,
    state: row.state,
    accountId: row.account_id,
    messageId: row.message_id,
    to: row.to_address,
    subject: row.subject,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    attempts: row.attempts,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

/** Emails still to go out, per account; accounts with none are absent. */
export async function pendingCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', WAITING)
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((r) => [r.account_id, Number(r.n)]));
}

export function createQueue(deps: { db: Db; accounts: Accounts; checkIntervalSeconds: number }) {
  const { db, accounts } = deps;
  return {
    async enqueue(actor: Actor, input: QueueMessageInput): Promise<QueuedMessage & { accountId: string }> {
      const account = await accounts.row(actor, input.accountId);
      const now = new Date().toISOString();
      const id = newId('msg');
      const size = Buffer.byteLength(input.subject) + Buffer.byteLength(input.text) + Buffer.byteLength(input.html ?? '');
      await db.transaction().execute(async (trx) => {
        const held = await trx
          .selectFrom('outbox_messages')
          .select(sql<number>`coalesce(sum(octet_length(subject) + octet_length(text_body) + coalesce(octet_length(html_body), 0)), 0)`.as('bytes'))
          .where('account_id', '=', account.id)
          .where('state', 'in', WAITING)
          .executeTakeFirstOrThrow();
        if (Number(held.bytes) + size > QUEUED_BYTES_PER_MAILBOX) {
          const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
          throw new DomainError('payload_too_large', `${account.email} already holds ${mb(Number(held.bytes))} MB of emails waiting to go out; at most ${mb(QUEUED_BYTES_PER_MAILBOX)} MB may wait per mailbox. Queue more once some are sent${account.state === 'connected' ? '' : ' (it is not connected: re-grant or fix it first)'}.`);
        }
        await trx
          .insertInto('outbox_messages')
          .values({
            id,
            account_id: account.id,
            created_by: actor.id,
            message_id: newMessageId(account.email),
            to_address: input.to,
            subject: input.subject,
            text_body: input.text,
            html_body: input.html ?? null,
            state: 'pending',
            next_attempt_at: now,
            lease_owner: null,
            lease_until: null,
            error_code: null,
            error_message: null,
            created_at: now,
            sent_at: null,
          })
          .execute();
        await markStatusChange(trx, account.owner_id, 'hard', deps.checkIntervalSeconds, { accounts: [account.id] });
      });
      return { id, state: 'pending', accountId: account.id };
    },

    /** One email, if the actor may see its mailbox; "not found" otherwise. */
    async get(actor: Actor, id: string): Promise<MessageView> {
      let q = db.selectFrom('outbox_messages').innerJoin('accounts', 'accounts.id', 'outbox_messages.account_id').selectAll('outbox_messages').where('outbox_messages.id', '=', id);
      if (actor.role !== 'admin') q = q.where('accounts.owner_id', '=', actor.id);
      const row = await q.executeTakeFirst();
      if (row) return messageView(row);
      // Its mailbox was removed: what is left of it, for whoever owned the mailbox or queued it.
      let gone = db.selectFrom('removed_messages').selectAll().where('id', '=', id);
      if (actor.role !== 'admin') gone = gone.where((eb) => eb.or([eb('owner_id', '=', actor.id), eb('created_by', '=', actor.id)]));
      const removed = await gone.executeTakeFirst();
      if (!removed) throw new DomainError('not_found', `no message ${id}`);
      return messageView({ ...removed, text_body: '', html_body: null, next_attempt_at: removed.removed_at, lease_owner: null, lease_until: null });
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
