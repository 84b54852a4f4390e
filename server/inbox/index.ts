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
import { listBounces, listReplies } from './findings.ts';
import { createScanner, type ScannerDeps } from './scanner.ts';

export interface InboxDeps extends ScannerDeps {
  accounts: Accounts;
  /** Seconds between regular scans of every connected mailbox. */
  scanIntervalSeconds: number;
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
      timer ??= setInterval(() => void sweep(), deps.scanIntervalSeconds * 1000);
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
