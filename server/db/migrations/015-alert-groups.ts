import type { Kysely } from 'kysely';

/**
 * Alerts grouped per person (server/alerts/). A lost mailbox no longer queues a finished email
 * per recipient: it queues an item (`state` `grouped`, `item` `lost` or `resolved`, its
 * `cause_code`) in the transaction of the state change. When that person's group is due, one
 * email (`digest` `group`, or `reminder` for a later summary) is composed from every item
 * waiting for them, in one transaction that marks the items `merged` into it (`digest_id`;
 * null: left out, fixed before it went). Composed emails carry an HTML part beside the text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('mail_queue')
    .addColumn('html_body', 'text')
    .execute();
  await db.schema.alterTable('mail_queue').addColumn('item', 'text').execute();
  await db.schema.alterTable('mail_queue').addColumn('cause_code', 'text').execute();
  await db.schema.alterTable('mail_queue').addColumn('digest', 'text').execute();
  await db.schema.alterTable('mail_queue').addColumn('digest_id', 'text').execute();
  // The grouper's two questions: whose items wait (state, recipient), and when a person was last alerted.
  await db.schema.createIndex('mail_queue_state_recipient').on('mail_queue').columns(['state', 'recipient']).execute();
  await db.schema.createIndex('mail_queue_recipient_digest').on('mail_queue').columns(['recipient', 'digest', 'created_at']).execute();
}
