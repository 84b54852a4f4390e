/**
 * Webhooks as their owners see them: add (a `standard` one answers its signing secret once),
 * list, change the URL or events, remove, and the last deliveries. A member sees and changes
 * only their own webhooks; an admin every one. URLs are judged by the host guard on every save.
 *
 * @example
 *   const store = createWebhookStore({ db, sealer, hosts });
 *   const hook = await store.create(actor, { url: 'https://hooks.slack.com/…', format: 'slack' });
 */
import { WEBHOOK_EVENTS, type WebhookDeliveryView, type WebhookEvent, type WebhookView } from '../../shared/api.ts';
import type { CreateWebhookInput, UpdateWebhookInput } from '../../shared/schemas.ts';
import type { Actor } from '../accounts/index.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { DeliveryRow, WebhookRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { HostGuard } from '../net/index.ts';
import { newSecret } from './sign.ts';

/** Deliveries listed per webhook. */
const RECENT_DELIVERIES = 100;

/** Where a webhook's secret is sealed: a sealed secret copied into another row does not open. */
export const secretContext = (webhookId: string) => `webhook:${webhookId}:secret`;
/** Where its URL is sealed: a Slack or Teams URL lets anyone who has it post to the channel. */
export const urlContext = (webhookId: string) => `webhook:${webhookId}:url`;

/** Webhooks one person may have: enough for every channel, bounded all the same. */
export const MAX_WEBHOOKS_PER_USER = 20;

export function eventsOf(row: Pick<WebhookRow, 'events'>): WebhookEvent[] {
  return JSON.parse(row.events) as WebhookEvent[];
}

function view(row: WebhookRow, url: string, owner: { id: string; email: string }): WebhookView {
  return { id: row.id, url, format: row.format, events: eventsOf(row), owner, createdAt: row.created_at };
}

function deliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    event: row.event_type,
    attempt: row.attempts,
    status: row.state,
    ...(row.response_status !== null ? { responseStatus: row.response_status } : {}),
    ...(row.last_error !== null ? { error: row.last_error } : {}),
    at: row.last_attempt_at ?? row.created_at,
    ...(row.state === 'pending' ? { nextAttemptAt: row.next_attempt_at } : {}),
  };
}

export function createWebhookStore({ db, sealer, hosts }: { db: Db; sealer: Sealer; hosts: HostGuard }) {
  const withOwner = () => db.selectFrom('webhooks').innerJoin('users', 'users.id', 'webhooks.user_id').selectAll('webhooks').select('users.email as owner_email');

  /** The webhook, when the actor may see it; 404 otherwise (another member's webhook is as good as unknown). */
  async function row(actor: Actor, id: string): Promise<WebhookRow & { owner_email: string }> {
    let query = withOwner().where('webhooks.id', '=', id);
    if (actor.role !== 'admin') query = query.where('webhooks.user_id', '=', actor.id);
    const found = await query.executeTakeFirst();
    if (!found) throw new DomainError('not_found', `no webhook ${id}`);
    return found;
  }

  const viewOf = (r: WebhookRow & { owner_email: string }) => view(r, sealer.open(r.url, urlContext(r.id)), { id: r.user_id, email: r.owner_email });

  return {
    row,

    async create(actor: Actor & { email: string }, input: CreateWebhookInput): Promise<WebhookView> {
      const url = (await hosts.assertPublicUrl(input.url)).href;
      const { count } = await db.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('count')).where('user_id', '=', actor.id).executeTakeFirstOrThrow();
      if (Number(count) >= MAX_WEBHOOKS_PER_USER) throw new DomainError('invalid_input', `you have ${MAX_WEBHOOKS_PER_USER} webhooks, the most one person may have: remove one first`);
      const now = new Date().toISOString();
      const id = newId('whk');
      const secret = input.format === 'standard' ? newSecret() : null;
      const events = [...new Set(input.events ?? WEBHOOK_EVENTS)];
      const written: WebhookRow = { id, user_id: actor.id, url: sealer.seal(url, urlContext(id)), format: input.format, events: JSON.stringify(events), secret: secret && sealer.seal(secret, secretContext(id)), created_at: now, updated_at: now };
      await db.insertInto('webhooks').values(written).execute();
      return { ...view(written, url, { id: actor.id, email: actor.email }), ...(secret ? { secret } : {}) };
    },

    async list(actor: Actor): Promise<WebhookView[]> {
      let query = withOwner().orderBy('webhooks.created_at').orderBy('webhooks.id');
      if (actor.role !== 'admin') query = query.where('webhooks.user_id', '=', actor.id);
      return (await query.execute()).map(viewOf);
    },

    async get(actor: Actor, id: string): Promise<WebhookView> {
      return viewOf(await row(actor, id));
    },

    async update(actor: Actor, id: string, input: UpdateWebhookInput): Promise<WebhookView> {
      const found = await row(actor, id);
      const before = sealer.open(found.url, urlContext(id));
      const url = input.url === undefined ? before : (await hosts.assertPublicUrl(input.url)).href;
      const events = input.events === undefined ? found.events : JSON.stringify([...new Set(input.events)]);
      if (url === before && events === found.events) return viewOf(found);
      const updated = { url: url === before ? found.url : sealer.seal(url, urlContext(id)), events, updated_at: new Date().toISOString() };
      await db.updateTable('webhooks').set(updated).where('id', '=', id).execute();
      return viewOf({ ...found, ...updated });
    },

    /** Removes the webhook and its deliveries (those under way are not sent again). */
    async remove(actor: Actor, id: string): Promise<void> {
      await row(actor, id);
      await db.deleteFrom('webhooks').where('id', '=', id).execute();
    },

    async deliveries(actor: Actor, id: string): Promise<WebhookDeliveryView[]> {
      await row(actor, id);
      const rows = await db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', id).where('grouped', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(RECENT_DELIVERIES).execute();
      return rows.map(deliveryView);
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
