/**
 * Scans connected mailboxes for replies and bounces: from the stored position (IMAP
 * UIDVALIDITY + last UID, or a Gmail historyId) to now, then stores the new position. A
 * mailbox that needs re-authentication is not scanned; once it is back, the next scan starts
 * where the last one stopped, so everything that arrived meanwhile is read. The position is
 * stored after each batch whose mail was all recorded; a scan cut short reads at most that
 * batch again, and the record-once rule keeps it from counting twice. A mail that cannot be
 * parsed is logged and passed over.
 *
 * @example
 *   const scanner = createScanner(deps);
 *   health.onReconnected((id) => void scanner.kick(id));
 */
import pLimit from 'p-limit';
import { signIn } from '../accounts/credentials-used.ts';
import type { Accounts } from '../accounts/index.ts';
import { connectedIdsWithSentMail, findAccount } from '../accounts/repository.ts';
import type { Db } from '../db/index.ts';
import type { Health } from '../health/check.ts';
import { classify } from '../health/classify.ts';
import type { Logger } from '../log/index.ts';
import { withDeadline } from '../providers/deadline.ts';
import { failureOf } from '../providers/failure.ts';
import type { ProviderRegistry } from '../providers/index.ts';
import type { MailPosition } from '../providers/types.ts';
import { recordMail } from './findings.ts';
import { readMail } from './read-mail.ts';

export interface ScannerDeps {
  db: Db;
  accounts: Accounts;
  providers: ProviderRegistry;
  health: Health;
  logger: Logger;
  timeoutSeconds: number;
}

export interface ScanResult {
  replies: number;
  bounces: number;
}

/** A scan's whole time limit, in network-step timeouts: a long catch-up goes on at the next scan. */
const SCAN_DEADLINE_STEPS = 5;

export function createScanner(deps: ScannerDeps) {
  const { db, accounts, providers, health, logger } = deps;
  const scanning = new Map<string, Promise<ScanResult | null>>();
  const followUps = new Map<string, Promise<ScanResult | null>>();
  /** One per scan under way: aborted at its deadline, or all at once by stop(). */
  const inFlight = new Set<AbortController>();
  let stopped = false;

  async function savePosition(accountId: string, position: MailPosition): Promise<void> {
    const now = new Date().toISOString();
    const value = JSON.stringify(position);
    await db
      .insertInto('inbox_positions')
      .values({ account_id: accountId, position: value, scanned_at: now })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ position: value, scanned_at: now }))
      .execute();
  }

  /** `retried`: the scan before this one was refused with credentials replaced meanwhile. */
  async function scanOnce(accountId: string, retried = false): Promise<ScanResult | null> {
    const account = await findAccount(db, accountId);
    const provider = account ? providers[account.provider] : undefined;
    if (!account || !provider || account.state !== 'connected') return null;
    const oldest = await db.selectFrom('outbox_messages').select('created_at').where('account_id', '=', accountId).orderBy('id').limit(1).executeTakeFirst();
    const stored = await db.selectFrom('inbox_positions').select('position').where('account_id', '=', accountId).executeTakeFirst();
    // Nothing was ever sent: nothing can be answered yet. The scan starts once there is.
    if (!oldest) return { replies: 0, bounces: 0 };
    const result: ScanResult = { replies: 0, bounces: 0 };
    const login = signIn(accounts, account);
    const controller = new AbortController();
    inFlight.add(controller);
    let position: MailPosition;
    try {
      position = await withDeadline(deps.timeoutSeconds * 1000 * SCAN_DEADLINE_STEPS, controller, () =>
        provider.scan(
          login.credentials,
          {
            position: stored ? (JSON.parse(stored.position) as MailPosition) : null,
            // Mail older than the first queued email cannot answer it (a day of slack for clocks and IMAP's whole-day SINCE).
            since: new Date(Date.parse(oldest.created_at) - 86_400_000),
            async onMail(raw) {
              let mail;
              try {
                mail = await readMail(raw);
              } catch (error) {
                // One mail that cannot be read must not stop the scan at it for ever.
                logger.warn('inbox.unreadable_mail', { account: accountId, error });
                return;
              }
              const kind = await recordMail(db, accountId, mail);
              if (kind === 'reply') result.replies++;
              if (kind === 'bounce') result.bounces++;
            },
            onProgress: (reached) => savePosition(accountId, reached),
          },
          { signal: controller.signal, timeoutMs: deps.timeoutSeconds * 1000, rotatedRefreshToken: login.rotatedRefreshToken },
        ),
      );
    } catch (error) {
      const failure = failureOf(error);
      const judged = classify(failure);
      logger.warn('inbox.scan_failed', { account: accountId, verdict: judged.verdict, reason: judged.code, detail: judged.detail });
      // Refused with credentials replaced meanwhile (a new password, a re-grant): try the new ones once.
      if (judged.verdict !== 'transient' && (await health.recordFinding(accountId, judged, login.used)) === 'superseded' && !retried) return scanOnce(accountId, true);
      return null;
    } finally {
      inFlight.delete(controller);
    }
    await savePosition(accountId, position);
    if (result.replies || result.bounces) logger.info('inbox.found', { account: accountId, ...result });
    return result;
  }

  /** Scans the mailbox now (or once more after the scan under way); null when it was not scanned. */
  function kick(accountId: string): Promise<ScanResult | null> {
    const running = scanning.get(accountId);
    if (running) {
      // Mail may have arrived after the scan under way looked: one more scan follows it.
      let next = followUps.get(accountId);
      if (!next) {
        next = running.then(() => {
          followUps.delete(accountId);
          return kick(accountId);
        });
        followUps.set(accountId, next);
      }
      return next;
    }
    const run = scanOnce(accountId)
      .catch((error) => {
        logger.error('inbox.scan_crashed', { account: accountId, error });
        return null;
      })
      .finally(() => scanning.delete(accountId));
    scanning.set(accountId, run);
    return run;
  }

  return {
    kick,

    /**
     * Scans every connected mailbox that has sent email, at most `concurrency` at once. A
     * mailbox whose scan is still under way is left to it: the sweep waits only on its own.
     */
    async sweep(concurrency = 10): Promise<void> {
      const queue = await connectedIdsWithSentMail(db);
      await pLimit(concurrency).map(queue, (id) => (stopped || scanning.has(id) ? undefined : kick(id)));
    },

    async idle(): Promise<void> {
      await Promise.allSettled([...scanning.values()]);
    },

    /** Cuts the scans under way short (their positions stay where they were) and waits for them. */
    async stop(): Promise<void> {
      stopped = true;
      for (const controller of inFlight) controller.abort(new Error('the inbox scanner is stopping'));
      await Promise.allSettled([...scanning.values(), ...followUps.values()]);
    },
    resume(): void {
      stopped = false;
    },
  };
}

export type Scanner = ReturnType<typeof createScanner>;
