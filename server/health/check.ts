/**
 * One health check of one account: take its lease, ask its provider, classify the failures,
 * and hand them to accounts' one writer of a mailbox's state (state, events, the incident's
 * alerts, in one transaction).
 *
 * @example
 *   const health = createHealth(deps);
 *   const row = await health.checkNow('acc_…'); // the account after the check
 */
import { credentialsFingerprint, type CredentialsUsed } from '../accounts/credentials-used.ts';
import type { Accounts } from '../accounts/index.ts';
import { claimAccount, claimDueAccounts, releaseAccount, type Lease } from '../accounts/leases.ts';
import { findAccount } from '../accounts/repository.ts';
import type { Db } from '../db/index.ts';
import type { AccountRow, AccountUpdate } from '../db/schema.ts';
import type { MailboxCredentials } from '../providers/types.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/index.ts';
import { timeCheck, type Metrics } from '../metrics/index.ts';
import type { Notifier } from '../notify/index.ts';
import type { ProviderRegistry } from '../providers/index.ts';
import { classify, worst, type Classification } from './classify.ts';
import { withDeadline } from '../providers/deadline.ts';
import { createResultWriter } from './results.ts';
import { placeOf } from './trouble.ts';

export interface HealthDeps {
  db: Db;
  accounts: Accounts;
  providers: ProviderRegistry;
  notifier: Notifier;
  logger: Logger;
  intervalSeconds: number;
  timeoutSeconds: number;
  /** Owns this process's leases (`server/instances/`), so two server processes never check one account at once. */
  instanceId: string;
  metrics?: Pick<Metrics, 'timeCheck'>;
}

export type ReconnectedListener = (accountId: string) => void;

/**
 * What became of a send's or a scan's finding: recorded; not now (a check holds the account
 * and will see the same); or superseded (the account's credentials changed since they were
 * read: the new ones have not been tried).
 */
export type FindingOutcome = 'recorded' | 'busy' | 'superseded';

export function createHealth(deps: HealthDeps) {
  const { db, accounts, providers, notifier, logger } = deps;
  const instanceId = deps.instanceId;
  const reconnected = new Set<ReconnectedListener>();
  const results = createResultWriter({ db, accounts, intervalSeconds: deps.intervalSeconds });
  const leaseMs = (deps.timeoutSeconds + 30) * 1000;

  /** A listener that throws must not undo or hide the reconnection itself. */
  function announce(accountId: string): void {
    for (const listener of reconnected) {
      try {
        listener(accountId);
      } catch (error) {
        logger.error('reconnected.listener_failed', { account: accountId, error });
      }
    }
  }

  /** A lease owned by this instance: free are leases that lapsed or whose instance died (accounts/leases.ts). */
  function lease(ms = leaseMs): Lease {
    const now = new Date();
    return { owner: instanceId, until: new Date(now.getTime() + ms).toISOString(), now };
  }

  /**
   * Claims up to `limit` due accounts; answers their rows, each carrying its lease token. The
   * scheduler claims a few ahead, which may wait for a slot as long as a check takes: their
   * lease covers that wait too.
   */
  async function claimDue(limit: number): Promise<AccountRow[]> {
    return claimDueAccounts(db, lease(leaseMs + deps.timeoutSeconds * 1000), limit);
  }

  const claimOne = (id: string) => claimAccount(db, id, lease());

  /** Gives a claimed account back unchecked (or after a failed check). */
  const release = (row: AccountRow, patch: Pick<AccountUpdate, 'next_check_at'> = {}) => releaseAccount(db, row, patch);

  /** Signs in with `mailbox`'s credentials now: every failure, classified and placed; none when it works. */
  async function probe(mailbox: MailboxCredentials, rotatedRefreshToken?: (token: string) => Promise<void>): Promise<Classification[]> {
    const provider = providers[mailbox.provider];
    if (!provider) {
      return [{ verdict: 'admin_action', code: 'provider_not_configured', message: `This server is not set up for ${mailbox.provider} mailboxes.`, hint: `The Regrant administrator must configure ${mailbox.provider.toUpperCase()}_CLIENT_ID and ${mailbox.provider.toUpperCase()}_CLIENT_SECRET.`, retry: 'slow', detail: '' }];
    }
    const controller = new AbortController();
    try {
      // On abort a provider answers at once with what it already knows (an SMTP 535 that
      // arrived while IMAP hung still counts); one that does not is cut off after a grace.
      const result = await withDeadline(deps.timeoutSeconds * 1000, controller, () =>
        provider.check(mailbox, { signal: controller.signal, timeoutMs: deps.timeoutSeconds * 1000, rotatedRefreshToken }),
      );
      return result.ok ? [] : result.failures.map((f) => ({ ...classify(f), place: placeOf(f.source, mailbox) }));
    } catch (error) {
      return [{ ...classify({ source: 'check', error }), place: placeOf('check', mailbox) }];
    }
  }

  /** Checks an account whose lease `row.lease_owner` this process holds, and releases it. */
  async function checkLeased(row: AccountRow, manual: boolean): Promise<AccountRow> {
    return judged(row, await timeCheck(deps.metrics, row.provider, () => probe(accounts.credentials(row), (token) => accounts.storeRotatedRefreshToken(row, token))), manual);
  }

  /**
   * Moves a leased account by what was found (none: the login works) through accounts'
   * transition, in a transaction shared with the other results of this moment, releasing
   * the lease in the same write.
   */
  async function judged(row: AccountRow, failures: Classification[], manual: boolean): Promise<AccountRow> {
    const t = await results.write({ row, failures, manual });
    if (!t.after) {
      // The result judged settings that no longer exist: drop it and check the new ones soon.
      logger.info('check.superseded', { account: row.id });
      await release(row, { next_check_at: new Date().toISOString() });
      return (await findAccount(db, row.id)) ?? row;
    }
    // A good check that changes nothing is the common case: it stays out of the log.
    if (failures.length || t.decision?.transition) {
      const found = worst(failures);
      logger.info('check', { account: row.id, from: row.state, to: t.after.state, reason: found?.code ?? null, detail: failures.map((f) => f.detail).join('\n') || null });
    }
    if (t.notified) void notifier.kick();
    if (t.reconnected) announce(row.id);
    return t.after;
  }

  return {
    instanceId,
    claimDue,
    release,

    /** Checks a claimed row; on an unexpected error the lease is released and the error logged. */
    async runClaimed(row: AccountRow): Promise<AccountRow | null> {
      try {
        return await checkLeased(row, false);
      } catch (error) {
        logger.error('check.crashed', { account: row.id, error });
        await release(row).catch(() => {});
        return null;
      }
    },

    /** Checks one account now, waiting for a check already under way elsewhere to finish first. */
    async checkNow(id: string): Promise<AccountRow> {
      const deadline = Date.now() + leaseMs;
      for (;;) {
        const row = await claimOne(id);
        if (row) {
          try {
            return await checkLeased(row, true);
          } catch (error) {
            await release(row).catch(() => {});
            throw error;
          }
        }
        if (Date.now() > deadline) throw new DomainError('check_in_progress', 'another check of this account is still running; try again shortly');
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    /**
     * Records what a send or an inbox scan found about the login, through the same state
     * machine, event and alert as a check. `used` is what the caller signed in with: when the
     * account no longer holds it, the finding is about old credentials and is dropped.
     */
    async recordFinding(id: string, found: Classification, used?: CredentialsUsed): Promise<FindingOutcome> {
      const row = await claimOne(id);
      if (!row) return 'busy';
      try {
        if (used && (row.updated_at !== used.updatedAt || credentialsFingerprint(accounts.credentials(row)) !== used.fingerprint)) {
          logger.info('finding.superseded', { account: id, reason: found.code });
          await release(row);
          return 'superseded';
        }
        const after = await judged(row, [found], false);
        if (after.state !== row.state || after.reason_code === found.code) return 'recorded';
        // The settings changed while it was being judged: the same as above.
        return after.updated_at !== row.updated_at ? 'superseded' : 'busy';
      } catch (error) {
        await release(row).catch(() => {});
        throw error;
      }
    },

    /**
     * Signs in with credentials that need not be saved yet (an import tests a row before it
     * writes it): null when both logins work, else the failure that matters most.
     */
    probe: async (mailbox: MailboxCredentials) => worst(await probe(mailbox)),

    /** Tells the listeners that a mailbox was re-authenticated by another path (a re-grant). */
    announceReconnected(accountId: string): void {
      announce(accountId);
    },

    /** Called with the account id when a mailbox becomes connected (re-authenticated, reachable again, or first checked). */
    onReconnected(listener: ReconnectedListener): () => void {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
