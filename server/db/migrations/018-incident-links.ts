import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Incident links (issue 24): a mailbox's incident link is shown again in every message about
 * its incident (each person's alert, reminders, webhooks), so its token is kept sealed with
 * SECRET_KEY (`token_sealed`, context `share-link:<id>`); manual links keep only the hash. At
 * most one sealed incident link of a mailbox is live at a time: two instances writing a message
 * at once end up with the same link, not two. An email that shows such a link is queued with
 * its text and HTML sealed too (`mail_queue.sealed` = 1, contexts `mail:<id>:text|html`): a copy
 * of the database alone holds no working link.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('share_links').addColumn('token_sealed', 'text').execute();
  await db.schema
    .createIndex('share_links_one_incident')
    .on('share_links')
    .column('account_id')
    .unique()
    .where(sql.ref('kind'), '=', 'incident')
    .where(sql.ref('token_sealed'), 'is not', null)
    .where(sql.ref('revoked_at'), 'is', null)
    .where(sql.ref('used_at'), 'is', null)
    .execute();
  await db.schema.alterTable('mail_queue').addColumn('sealed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
