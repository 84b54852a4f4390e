/**
 * Turns a mailbox's state change into deliveries, inside the transaction that wrote the
 * change: one delivery per listening webhook and event (so an incident is told once, however
 * many checks see it), each with its body fixed and sealed now, so every attempt sends the
 * same body under the same `webhook-id`. Admins' webhooks hear every mailbox, a member's only
 * the mailboxes that member owns. A mailbox that needs re-authentication carries its incident
 * link (reauth/incident-links.ts), the same as in every email about that incident: `shareUrl`
 * for a Google/Microsoft mailbox, `fixUrl` (its repair link) for a custom one; neither when
 * only an administrator can fix it (the hint says how).
 * A loss for a slack or teams webhook is written as an item of that webhook's next grouped
 * message instead (`grouped` = 'waiting', the event itself sealed as its body: groups.ts).
 *
 * @example
 *   await recorder.record(trx, accountRow, event); // from accounts/transition.ts
 */
import type { WebhookEvent } from '../../shared/api.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, NewAccountEvent } from '../db/schema.ts';
import type { IncidentLinks } from '../reauth/incident-links.ts';
import { WAITING } from '../outbox/queue.ts';
import { webhookBody, type MailboxEvent } from './formats.ts';
import { eventsOf } from './store.ts';

export interface RecorderDeps {
  sealer: Sealer;
  workspaceName: string;
  /** The incident's link, the same one every alert email shows. */
  links: Pick<IncidentLinks, 'current'>;
  /** Called once deliveries were written: the dispatcher has work (once the transaction commits). */
  onRecorded: () => void;
  /** What grouping counts time by (tests move it). */
  clock?: () => Date;
}

/** Losses a slack or teams webhook hears grouped (groups.ts); everything else goes at once. */
export const GROUPED_EVENTS: readonly WebhookEvent[] = ['mailbox.needs_reauth', 'mailbox.unreachable'];
const groupedFor = (format: string, type: WebhookEvent) => format !== 'standard' && GROUPED_EVENTS.includes(type);

/** Where a delivery's body is sealed. */
export const bodyContext = (deliveryId: string) => `webhook-delivery:${deliveryId}:body`;

/** The webhook event a state change is, if any: trouble that changed nothing is none. */
export function eventTypeOf(event: Pick<NewAccountEvent, 'kind' | 'from_state' | 'to_state'>): WebhookEvent | null {
  if (event.kind === 'trouble' || event.from_state === event.to_state) return null;
  if (event.to_state === 'needs_reauth') return 'mailbox.needs_reauth';
  if (event.to_state === 'unreachable') return 'mailbox.unreachable';
  if (event.to_state === 'connected' && (event.from_state === 'needs_reauth' || event.from_state === 'unreachable')) return 'mailbox.reconnected';
  return null;
}

export function createRecorder(deps: RecorderDeps) {
  /** Webhooks that hear `type` about a mailbox of `ownerId`: its owner's and every admin's. */
  async function listeners(trx: Db, ownerId: string, type: WebhookEvent) {
    const rows = await trx
      .selectFrom('webhooks')
      .innerJoin('users', 'users.id', 'webhooks.user_id')
      .select(['webhooks.id', 'webhooks.format', 'webhooks.events'])
      .where((eb) => eb.or([eb('webhooks.user_id', '=', ownerId), eb('users.role', '=', 'admin')]))
      .orderBy('webhooks.id')
      .execute();
    return rows.filter((r) => eventsOf(r).includes(type));
  }

  return {
    /** Writes the deliveries of `event` (a state change of `account`, as written) in `trx`. */
    async record(trx: Db, account: AccountRow, event: NewAccountEvent): Promise<void> {
      const type = eventTypeOf(event);
      if (!type || !event.id) return;
      const hooks = await listeners(trx, account.owner_id, type);
      if (hooks.length === 0) return;
      const { count } = await trx
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('account_id', '=', account.id)
        .where('state', 'in', WAITING)
        .executeTakeFirstOrThrow();
      const now = new Date();
      const links: Pick<MailboxEvent, 'shareUrl' | 'fixUrl'> = {};
      const link = type === 'mailbox.needs_reauth' ? await deps.links.current(trx, account) : null;
      if (link) links[account.provider === 'custom' ? 'fixUrl' : 'shareUrl'] = link.url;
      const told: MailboxEvent = {
        type,
        at: event.at,
        workspace: deps.workspaceName,
        accountId: account.id,
        email: account.email,
        provider: account.provider,
        state: account.state,
        reason: { code: event.reason_code ?? type, message: event.message ?? '', ...(event.hint ? { hint: event.hint } : {}) },
        pendingEmails: Number(count),
        ...links,
      };
      const nowIso = now.toISOString();
      const groupedAt = (deps.clock?.() ?? now).toISOString();
      for (const hook of hooks) {
        const id = newId('msg');
        // A grouped item keeps the event itself: its message is written when the group is due.
        const grouped = groupedFor(hook.format, type);
        const body = grouped ? JSON.stringify(told) : webhookBody(hook.format, told);
        await trx
          .insertInto('webhook_deliveries')
          .values({ id, webhook_id: hook.id, account_id: account.id, event_id: event.id, event_type: type, body: deps.sealer.seal(body, bodyContext(id)), state: 'pending', next_attempt_at: nowIso, lease_owner: null, lease_until: null, response_status: null, last_error: null, created_at: grouped ? groupedAt : nowIso, last_attempt_at: null, grouped: grouped ? 'waiting' : null })
          .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
          .execute();
      }
      deps.onRecorded();
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
