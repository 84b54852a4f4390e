import type { Kysely } from 'kysely';

/**
 * Trouble that did not (yet) change a mailbox's state: a check that could not reach its
 * server while it still counts as connected (one or two of the three strikes), or a manual
 * check that failed. The account keeps the last such trouble in words until the next check
 * says otherwise; the history records it as an event of kind `trouble` beside the state
 * changes (kind `state`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('trouble_message', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('trouble_at', 'text').execute();
  await db.schema.alterTable('account_events').addColumn('kind', 'text', (c) => c.notNull().defaultTo('state')).execute();
}
