/**
 * Reply and bounce detection: scans of connected mailboxes (at once when one is
 * re-authenticated, then every interval) and what they found, for the people who may see it.
 *
 * @example
 *   const inbox = createInbox(deps);
 *   await inbox.replies(actor, accountId); // [{ messageId, from, autoReply, … }]
 */
import type { BounceView, ReplyView } from '../../shared/api.ts';
import type { Accounts, Actor } from '../accounts/index.ts';
import { claimPeriodicRun } from '../db/periodic.ts';
import { listBounces, listReplies } from './findings.ts';
import { createScanner, type ScannerDeps } from './scanner.ts';

export interface InboxDeps extends ScannerDeps {
  accounts: Accounts;
  /** Seconds between regular scans of every connected mailbox. */
  scanIntervalSeconds: number;
  /** This instance: the regular sweep is run by one instance of the fleet per interval. */
  instanceId: string;
}

export function createInbox(deps: InboxDeps) {
  const scanner = createScanner(deps);
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    sweeping ??= scanner
      .sweep()
      .catch((error) => deps.logger.error('inbox.sweep_failed', { error }))
      .finally(() => {
        sweeping = null;
      });
    return sweeping;
  };

  return {
    kick: scanner.kick,
    sweep,
    async replies(actor: Actor, accountId: string): Promise<ReplyView[]> {
      const account = await deps.accounts.row(actor, accountId);
      return listReplies(deps.db, account.id);
    },
    async bounces(actor: Actor, accountId: string): Promise<BounceView[]> {
      const account = await deps.accounts.row(actor, accountId);
      return listBounces(deps.db, account.id);
    },
    start(): void {
      scanner.resume();
      const periodMs = deps.scanIntervalSeconds * 1000;
      // Every instance's timer asks; one of the fleet sweeps each interval.
      const regular = () =>
        claimPeriodicRun(deps.db, 'inbox.sweep', periodMs, deps.instanceId).then(
          (mine) => (mine ? sweep() : undefined),
          (error) => deps.logger.error('inbox.sweep_failed', { error }),
        );
      timer ??= setInterval(() => void regular(), periodMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await scanner.stop();
      await sweeping;
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
