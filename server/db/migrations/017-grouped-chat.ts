import type { Kysely } from 'kysely';

/**
 * Slack and Teams messages are grouped like alert emails (issue 23): a loss for such a webhook
 * is written as an item of the webhook's next grouped message (`grouped` = 'waiting') instead
 * of a message of its own; when the group is due, its items are marked 'merged' with the id of
 * the one message that told them (`group_id`, null when the mailbox was reconnected first), in
 * the transaction that writes that message. Items are never sent nor listed themselves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('grouped', 'text').execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('group_id', 'text').execute();
  await db.schema.createIndex('webhook_deliveries_grouped').on('webhook_deliveries').columns(['grouped', 'webhook_id']).execute();
}
