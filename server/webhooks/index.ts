/**
 * Webhooks: tell Slack, Teams or any system when a mailbox loses its login, becomes
 * unreachable or is reconnected. `store` keeps the webhooks (secrets sealed), `record` writes
 * deliveries in the transaction of the state change (accounts/transition.ts calls it), the
 * dispatcher sends them with re-tries from the database. Losses for slack and teams webhooks are
 * grouped into one message per burst, like alert emails (groups.ts).
 *
 * @example
 *   const webhooks = createWebhooks({ db, sealer, hosts, instanceId, logger, workspaceName, links, timers, describe: notifier.groups.describe });
 *   webhooks.start();
 *   await webhooks.create(actor, { url, format: 'standard' }); // { …, secret: 'whsec_…' }
 */
import type { WebhookTestResult } from '../../shared/api.ts';
import type { Actor } from '../accounts/index.ts';
import { newId } from '../db/ids.ts';
import { bodyContext, createRecorder, type RecorderDeps } from './record.ts';
import { createDispatcher, type DispatcherDeps } from './dispatch.ts';
import { webhookBody } from './formats.ts';
import { createChatGroups, type ChatGroupsDeps } from './groups.ts';
import { createWebhookStore } from './store.ts';

export interface WebhooksDeps extends DispatcherDeps, Pick<ChatGroupsDeps, 'timers' | 'describe'> {
  workspaceName: string;
  /** The incident links deliveries carry (reauth/incident-links.ts). */
  links: RecorderDeps['links'];
  /** What slack and teams groups count time by (tests move it). */
  clock?: () => Date;
}

export function createWebhooks(deps: WebhooksDeps) {
  const { db, sealer, hosts, instanceId } = deps;
  const store = createWebhookStore({ db, sealer, hosts });
  const clock = deps.clock ?? (() => new Date());
  const groups = createChatGroups({ db, sealer, clock, timers: deps.timers, workspace: deps.workspaceName, describe: deps.describe });
  const dispatcher = createDispatcher({ ...deps, compose: groups.composeDue });
  // Deliveries written in a transaction are claimable once it commits: the kick waits its turn.
  const recorder = createRecorder({ ...deps, clock, onRecorded: () => void setTimeout(() => void dispatcher.kick(), 10).unref() });
  let stopPolling: (() => void) | null = null;

  return {
    ...store,
    record: recorder.record,

    /** Sends a test event to the webhook now, once, and answers what the receiver said; it is listed with the deliveries. */
    async test(actor: Actor, id: string): Promise<WebhookTestResult> {
      const hook = await store.row(actor, id);
      const now = new Date();
      const deliveryId = newId('msg');
      const body = webhookBody(hook.format, { type: 'webhook.test', at: now.toISOString(), workspace: deps.workspaceName, webhookId: id });
      const delivery = await db
        .insertInto('webhook_deliveries')
        .values({ id: deliveryId, webhook_id: id, account_id: null, event_id: null, event_type: 'webhook.test', body: sealer.seal(body, bodyContext(deliveryId)), state: 'sending', next_attempt_at: now.toISOString(), lease_owner: instanceId, lease_until: new Date(now.getTime() + dispatcher.leaseMs).toISOString(), response_status: null, last_error: null, created_at: now.toISOString(), last_attempt_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      const answer = await dispatcher.sendOnce(delivery);
      return { ok: answer.ok, deliveryId, ...(answer.status !== undefined ? { responseStatus: answer.status } : {}), ...(answer.error ? { error: answer.error } : {}) };
    },

    kick: dispatcher.kick,
    start(): void {
      stopPolling ??= dispatcher.start();
    },
    async stop(): Promise<void> {
      stopPolling?.();
      stopPolling = null;
      await dispatcher.stop();
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
