/**
 * Slack and Teams messages grouped like alert emails (issue 23): a webhook's losses wait as
 * items (record.ts); the group is due ALERT_GROUP_WAIT_SECONDS after its first item and no
 * sooner than ALERT_GROUP_INTERVAL_SECONDS after the webhook's last loss message. Then the
 * mailboxes still lost are told in ONE message (a single one in its usual message, several
 * through the alert digest), written in one transaction that marks the items merged: a crash
 * before it commits leaves them waiting, after it the message is an ordinary delivery, sent
 * at most twice. A mailbox reconnected meanwhile is left out; none left, no message.
 *
 * @example
 *   const groups = createChatGroups({ db, sealer, clock, timers, workspace, describe });
 *   await groups.composeDue(); // before each round of claims (dispatch.ts)
 */
import type { WebhookEvent } from '../../shared/api.ts';
import { incidentsOf } from '../accounts/alert-facts.ts';
import { groupedMessage, type Digest } from '../alerts/index.ts';
import type { AlertTimers } from '../config/index.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { button, webhookBody, when, type MailboxEvent } from './formats.ts';
import { groupedBody } from './grouped-formats.ts';
import { bodyContext, GROUPED_EVENTS } from './record.ts';

export interface ChatGroupsDeps {
  db: Db;
  sealer: Sealer;
  clock: () => Date;
  timers: Pick<AlertTimers, 'groupWaitSeconds' | 'groupIntervalSeconds'>;
  workspace: string;
  /** The alert digest of broken mailboxes (`notifier.groups.describe`). */
  describe(accountIds: string[]): Promise<Digest | null>;
}

/** The event type of a message that tells several mailboxes. */
export const GROUPED_MESSAGE = 'mailboxes.lost';
const LOSS_MESSAGES = [...GROUPED_EVENTS, GROUPED_MESSAGE];
const STATE_OF: Partial<Record<WebhookEvent, string>> = { 'mailbox.needs_reauth': 'needs_reauth', 'mailbox.unreachable': 'unreachable' };

class AlreadyComposed extends Error {}

export function createChatGroups(deps: ChatGroupsDeps) {
  const { db, sealer, timers } = deps;

  /** The events of `webhookId`'s waiting items whose mailbox is still lost in that incident, one per mailbox. */
  async function stillLost(items: Array<{ id: string; account_id: string | null; event_id: string | null; body: string }>): Promise<MailboxEvent[]> {
    const ids = [...new Set(items.map((i) => i.account_id).filter((id): id is string => id !== null))];
    const accounts = await incidentsOf(db, ids);
    const now = new Map(accounts.map((a) => [a.id, a]));
    const lost = new Map<string, MailboxEvent>();
    for (const item of items) {
      const event = JSON.parse(sealer.open(item.body, bodyContext(item.id))) as MailboxEvent;
      const account = now.get(event.accountId);
      const same = account && account.state === STATE_OF[event.type] && (event.type !== 'mailbox.needs_reauth' || account.incident_event_id === item.event_id);
      if (same) lost.set(event.accountId, event);
      else lost.delete(event.accountId);
    }
    return [...lost.values()];
  }

  /** One message for `events`: a single mailbox's usual message, or the digest of several with each one's link. */
  async function messageOf(format: 'slack' | 'teams', events: MailboxEvent[]): Promise<{ type: string; accountId: string | null; body: string }> {
    if (events.length === 1) return { type: events[0].type, accountId: events[0].accountId, body: webhookBody(format, events[0]) };
    const reauth = events.filter((e) => e.type === 'mailbox.needs_reauth');
    const unreachable = events.filter((e) => e.type === 'mailbox.unreachable');
    const digest = reauth.length ? await deps.describe(reauth.map((e) => e.accountId)) : null;
    const told = digest ? groupedMessage(digest) : null;
    const lines = told ? [...told.lines] : [];
    if (unreachable.length) lines.push('Unreachable', ...unreachable.map((e) => `• ${e.email}: ${e.reason.message} · Since ${when(e.at)} · Emails waiting: ${e.pendingEmails}`));
    const title = told && !unreachable.length ? told.title : `${deps.workspace}: ${events.length} mailboxes need attention`;
    const links = events.map(button).filter((b) => b !== null);
    return { type: GROUPED_MESSAGE, accountId: null, body: groupedBody(format, { title, lines, links }) };
  }

  async function compose(webhookId: string, format: 'slack' | 'teams', now: Date): Promise<boolean> {
    const items = await db.selectFrom('webhook_deliveries').select(['id', 'account_id', 'event_id', 'body']).where('webhook_id', '=', webhookId).where('grouped', '=', 'waiting').orderBy('created_at').orderBy('id').execute();
    if (!items.length) return false;
    const events = await stillLost(items);
    const message = events.length ? await messageOf(format, events) : null;
    const nowIso = now.toISOString();
    try {
      return await db.transaction().execute(async (trx) => {
        const id = message ? newId('msg') : null;
        if (message && id) {
          await trx
            .insertInto('webhook_deliveries')
            .values({ id, webhook_id: webhookId, account_id: message.accountId, event_id: null, event_type: message.type, body: sealer.seal(message.body, bodyContext(id)), state: 'pending', next_attempt_at: new Date().toISOString(), lease_owner: null, lease_until: null, response_status: null, last_error: null, created_at: nowIso, last_attempt_at: null })
            .execute();
        }
        const merged = await trx.updateTable('webhook_deliveries').set({ grouped: 'merged', group_id: id, state: 'delivered', last_attempt_at: nowIso }).where('id', 'in', items.map((i) => i.id)).where('grouped', '=', 'waiting').executeTakeFirst();
        // Another instance composed these items meanwhile: its message stands, this one goes.
        if (Number(merged.numUpdatedRows) !== items.length) throw new AlreadyComposed();
        return id !== null;
      });
    } catch (error) {
      if (error instanceof AlreadyComposed) return false;
      throw error;
    }
  }

  return {
    /** Writes every grouped message due at the clock's now; answers how many. */
    async composeDue(): Promise<number> {
      const now = deps.clock();
      const open = await db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
        .select(['webhook_deliveries.webhook_id', 'webhooks.format', (eb) => eb.fn.min('webhook_deliveries.created_at').as('opened')])
        .where('webhook_deliveries.grouped', '=', 'waiting')
        .groupBy(['webhook_deliveries.webhook_id', 'webhooks.format'])
        .execute();
      if (!open.length) return 0;
      const sent = await db
        .selectFrom('webhook_deliveries')
        .select(['webhook_id', (eb) => eb.fn.max('created_at').as('last')])
        .where('webhook_id', 'in', open.map((o) => o.webhook_id))
        .where('grouped', 'is', null)
        .where('event_type', 'in', LOSS_MESSAGES)
        .groupBy('webhook_id')
        .execute();
      const last = new Map(sent.map((s) => [s.webhook_id, Date.parse(s.last as string)]));
      let written = 0;
      for (const { webhook_id, format, opened } of open) {
        if (format === 'standard') continue;
        const previous = last.get(webhook_id);
        const due = now.getTime() >= Date.parse(opened as string) + timers.groupWaitSeconds * 1000 && (previous === undefined || now.getTime() >= previous + timers.groupIntervalSeconds * 1000);
        if (due && (await compose(webhook_id, format, now))) written += 1;
      }
      return written;
    },
  };
}

export type ChatGroups = ReturnType<typeof createChatGroups>;
