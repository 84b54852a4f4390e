import type { Kysely } from 'kysely';

/**
 * Webhooks: where a person wants to hear of their mailboxes' state changes, and every
 * delivery to one (its sealed body, its attempts, its lease), so that a restart or another
 * instance carries on where the last attempt stopped. Share links gain a `kind`: an incident
 * link (made for the chat messages of one incident) no longer revokes, nor is revoked by, the
 * manual link someone copied.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** Sealed: a Slack or Teams URL is all it takes to post to the channel. */
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    /** JSON array of the event types it hears. */
    .addColumn('events', 'text', (c) => c.notNull())
    /** Sealed `whsec_…` of a `standard` webhook; null for slack and teams. */
    .addColumn('secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_user').on('webhooks').column('user_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    /** Also the `webhook-id` header: the same on every attempt. */
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('account_id', 'text')
    /** The account event it tells of; null for a test. */
    .addColumn('event_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    /** The JSON body, sealed (it may hold a share link): the same on every attempt. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_attempt_at', 'text')
    // One delivery per webhook and event: an incident is told once, however often it is seen.
    .addUniqueConstraint('webhook_deliveries_once_per_event', ['webhook_id', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_recent').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();

  await db.schema.alterTable('share_links').addColumn('kind', 'text', (c) => c.notNull().defaultTo('manual')).execute();
}
