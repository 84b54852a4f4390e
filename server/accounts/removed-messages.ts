/**
 * A removed mailbox's emails, kept without their bodies so that `GET /api/messages/:id` goes on
 * answering: the ones it still held (pending, sending) as `failed` with the reason
 * `mailbox_removed`, the others as they ended.
 *
 * @example
 *   await keepRemovedMessages(trx, row, new Date().toISOString()); // then delete the row
 */
import type { Db } from '../db/index.ts';
import type { AccountRow } from '../db/schema.ts';
import { WAITING } from '../outbox/queue.ts';

export const MAILBOX_REMOVED = 'mailbox_removed';

export async function keepRemovedMessages(trx: Db, mailbox: Pick<AccountRow, 'id' | 'email' | 'owner_id'>, now: string): Promise<void> {
  const why = `Not sent: its mailbox ${mailbox.email} was removed from Regrant.`;
  await trx
    .insertInto('removed_messages')
    .columns(['id', 'account_id', 'owner_id', 'created_by', 'message_id', 'to_address', 'subject', 'state', 'attempts', 'error_code', 'error_message', 'created_at', 'sent_at', 'removed_at'])
    .expression((eb) =>
      eb
        .selectFrom('outbox_messages')
        .select((s) => [
          'id',
          'account_id',
          s.cast<string>(s.val(mailbox.owner_id), 'text').as('owner_id'),
          'created_by',
          'message_id',
          'to_address',
          'subject',
          s.case().when('state', 'in', WAITING).then(s.cast<'failed'>(s.val('failed'), 'text')).else(s.ref('state')).end().as('state'),
          'attempts',
          s.case().when('state', 'in', WAITING).then(s.cast<string>(s.val(MAILBOX_REMOVED), 'text')).else(s.ref('error_code')).end().as('error_code'),
          s.case().when('state', 'in', WAITING).then(s.cast<string>(s.val(why), 'text')).else(s.ref('error_message')).end().as('error_message'),
          'created_at',
          'sent_at',
          s.cast<string>(s.val(now), 'text').as('removed_at'),
        ])
        .where('account_id', '=', mailbox.id),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
