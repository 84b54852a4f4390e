/**
 * Sends webhook deliveries from the database, like Regrant's own email queue: due deliveries
 * are claimed with a lease naming this instance (one statement; on PostgreSQL `for update
 * skip locked` joins its subquery), attempted, and settled: a 2xx ends one, anything else is
 * re-tried on `webhookRetryMs` until WEBHOOK_ATTEMPTS, then shown as failed. A delivery whose
 * instance died mid-attempt is taken over once its lease is free, so a restart or another
 * instance carries on where the last one stopped.
 *
 * @example
 *   const dispatcher = createDispatcher({ db, sealer, hosts, instanceId, logger });
 *   const stop = dispatcher.start(); // polls every 2 s; kick() after new deliveries
 */
import type { ExpressionBuilder } from 'kysely';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { skipLocked } from '../db/dialect.ts';
import { leaseFree } from '../db/leases.ts';
import type { Database, DeliveryRow } from '../db/schema.ts';
import type { Logger } from '../log/index.ts';
import type { HostGuard } from '../net/index.ts';
import { createKicker } from '../retry/kicker.ts';
import { WEBHOOK_ATTEMPTS, webhookRetryMs } from '../retry/policy.ts';
import { bodyContext } from './record.ts';
import { postJson, type Answer } from './send.ts';
import { signedHeaders } from './sign.ts';
import { secretContext, urlContext } from './store.ts';

export interface DispatcherDeps {
  db: Db;
  sealer: Sealer;
  hosts: HostGuard;
  instanceId: string;
  logger: Logger;
  /** The wait after the n-th failed attempt (tests shorten it). */
  retryMs?: (attempts: number) => number;
  /** How often due deliveries are looked for (re-tries, other instances' leftovers). */
  pollMs?: number;
  /** Runs before each round of claims: writes the grouped messages that are due (groups.ts). */
  compose?: () => Promise<unknown>;
}

const CLAIM_BATCH = 10;
/** Finished deliveries are kept this long: enough to read what happened, bounded all the same. */
export const KEEP_FINISHED_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Covers a batch of attempts of at most 10 s each. */
const LEASE_MS = 2 * 60_000;

export function createDispatcher({ db, sealer, hosts, instanceId, logger, retryMs = webhookRetryMs, pollMs = 2000, compose }: DispatcherDeps) {
  async function claim(limit: number): Promise<DeliveryRow[]> {
    const now = new Date();
    const due = (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
      eb.and([
        // Grouped items are told by their group's message, never sent themselves.
        eb('grouped', 'is', null),
        eb.or([eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now.toISOString())]), eb.and([eb('state', '=', 'sending'), leaseFree(eb, { now, me: instanceId })])]),
      ]);
    return db
      .updateTable('webhook_deliveries')
      .set({ state: 'sending', lease_owner: instanceId, lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('id', 'in', (qb) => skipLocked(db, qb.selectFrom('webhook_deliveries').select('id').where(due).orderBy('next_attempt_at').orderBy('id').limit(limit)))
      .where(due)
      .returningAll()
      .execute();
  }

  /** One attempt: the same body and webhook-id every time, a signature of this moment for `standard`. */
  async function attempt(delivery: DeliveryRow): Promise<Answer> {
    const hook = await db.selectFrom('webhooks').select(['url', 'format', 'secret']).where('id', '=', delivery.webhook_id).executeTakeFirst();
    if (!hook) return { ok: false, error: 'the webhook was removed' };
    const body = sealer.open(delivery.body, bodyContext(delivery.id));
    // Slack and Teams ignore the headers; any other receiver can still drop a repeated webhook-id.
    const now = new Date();
    const headers = hook.secret ? signedHeaders(sealer.open(hook.secret, secretContext(delivery.webhook_id)), delivery.id, body, now) : { 'webhook-id': delivery.id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) };
    return postJson(hosts, sealer.open(hook.url, urlContext(delivery.webhook_id)), body, headers);
  }

  /** `once`: a test, never re-tried. */
  async function settle(delivery: DeliveryRow, answer: Answer, once = false): Promise<void> {
    const attempts = delivery.attempts + 1;
    const now = new Date();
    const state = answer.ok ? 'delivered' : once || attempts >= WEBHOOK_ATTEMPTS ? 'failed' : 'pending';
    await db
      .updateTable('webhook_deliveries')
      .set({
        state,
        attempts,
        response_status: answer.status ?? null,
        last_error: answer.error?.slice(0, 500) ?? null,
        last_attempt_at: now.toISOString(),
        next_attempt_at: state === 'pending' ? new Date(now.getTime() + retryMs(attempts)).toISOString() : delivery.next_attempt_at,
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', delivery.id)
      .where('state', '=', 'sending')
      .where('lease_owner', '=', instanceId)
      .execute();
    const about = { delivery: delivery.id, webhook: delivery.webhook_id, event: delivery.event_type, attempts, status: answer.status };
    if (state === 'delivered') logger.info('webhook.delivered', about);
    else logger.warn(state === 'failed' ? 'webhook.failed' : 'webhook.retry', { ...about, error: answer.error });
  }

  async function deliver(delivery: DeliveryRow, once = false): Promise<Answer> {
    const answer = await attempt(delivery).catch((error: unknown): Answer => ({ ok: false, error: error instanceof Error ? error.message : String(error) }));
    await settle(delivery, answer, once);
    return answer;
  }

  let prunedAt = 0;
  async function prune(now: Date): Promise<void> {
    if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now.getTime();
    const before = new Date(now.getTime() - KEEP_FINISHED_MS).toISOString();
    await db.deleteFrom('webhook_deliveries').where('state', 'in', ['delivered', 'failed']).where('created_at', '<', before).execute();
  }

  async function dispatchDue(): Promise<void> {
    await prune(new Date());
    // A group that cannot be written now (tried again next round) must not hold up the deliveries.
    await compose?.().catch((error: unknown) => logger.error('webhook.group_failed', { error }));
    for (;;) {
      const batch = await claim(CLAIM_BATCH);
      if (batch.length === 0) return;
      // Receivers differ: one slow receiver must not hold up the others of the batch.
      await Promise.all(batch.map((d) => deliver(d)));
    }
  }

  const loop = createKicker(dispatchDue, (error) => logger.error('webhook.dispatch_failed', { error }));

  return {
    kick: loop.kick,
    /** The one attempt at a test delivery, written `sending` under this instance's lease; answers what its receiver said. */
    sendOnce(delivery: DeliveryRow): Promise<Answer> {
      return deliver(delivery, true);
    },
    leaseMs: LEASE_MS,
    start: () => loop.every(pollMs),
    stop: loop.stop,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
