/**
 * The outbox: emails queued from a mailbox, held while it is not connected and sent the
 * moment it is, in order. `start()` runs a sweep for retries whose back-off ended and leases
 * a crashed process left behind.
 *
 * @example
 *   const outbox = createOutbox(deps);
 *   await outbox.enqueue(actor, { accountId, to, subject, text }); // 202 {id, state}
 */
import { createDispatcher, type DispatcherDeps } from './dispatcher.ts';
import { createQueue } from './queue.ts';

export type OutboxDeps = DispatcherDeps;

/** How often the sweep looks for due retries and lapsed leases. */
export const SWEEP_MS = 2000;

export function createOutbox(deps: OutboxDeps) {
  const queue = createQueue(deps);
  const dispatcher = createDispatcher(deps);
  let timer: NodeJS.Timeout | null = null;
  const sweep = () => dispatcher.sweep().catch((error) => deps.logger.error('outbox.sweep_failed', { error }));

  return {
    /** Queues an email; a connected mailbox starts sending it at once. */
    async enqueue(...args: Parameters<typeof queue.enqueue>) {
      const queued = await queue.enqueue(...args);
      void dispatcher.kick(queued.accountId);
      return { id: queued.id, state: queued.state };
    },
    get: queue.get,
    kick: dispatcher.kick,
    /** The mailbox was re-authenticated: its held emails go now, back-offs included. */
    async reconnected(accountId: string): Promise<void> {
      await deps.db.updateTable('outbox_messages').set({ next_attempt_at: new Date().toISOString() }).where('account_id', '=', accountId).where('state', '=', 'pending').execute();
      await dispatcher.kick(accountId);
    },
    sweep,
    start(everyMs = SWEEP_MS): void {
      dispatcher.resume();
      timer ??= setInterval(() => void sweep(), everyMs);
      timer.unref();
      void sweep();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await dispatcher.stop();
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
