/**
 * Sends each mailbox's queued emails, one at a time and in the order queued, only while the
 * mailbox is connected. An email is leased to this instance while it is being sent and marked
 * sent right after the provider accepted it, so a crash at any moment sends at most that one
 * email twice: once the dead instance's heartbeat is gone (at once after a restart on the same
 * machine, `server/instances/`), its lease is free and the email goes out again. A lost login parks the email (still pending) and moves
 * the mailbox to needs_reauth through the health engine; re-authentication kicks the queue.
 *
 * @example
 *   const dispatcher = createDispatcher(deps);
 *   health.onReconnected((id) => dispatcher.kick(id));
 */
import { signIn, type CredentialsUsed } from '../accounts/credentials-used.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { markStatusChange } from '../accounts/status-stamp.ts';
import type { Accounts } from '../accounts/index.ts';
import { accountIsConnected, findAccount } from '../accounts/repository.ts';
import type { Db } from '../db/index.ts';
import { leaseFree } from '../db/leases.ts';
import type { AccountRow, OutboxRow } from '../db/schema.ts';
import type { Health } from '../health/check.ts';
import type { Logger } from '../log/index.ts';
import { ABORT_GRACE_MS, withDeadline } from '../providers/deadline.ts';
import { failureOf } from '../providers/failure.ts';
import type { ProviderRegistry } from '../providers/index.ts';
import type { SendSession } from '../providers/types.ts';
import { composeMessage } from './compose.ts';
import { outboxRetryMs } from '../retry/policy.ts';
import { judgeSend } from './judge.ts';

export interface DispatcherDeps {
  db: Db;
  accounts: Accounts;
  providers: ProviderRegistry;
  health: Health;
  logger: Logger;
  /** Owns this process's leases (`server/instances/`). */
  instanceId: string;
  /** Each network step of a send gives up after this long. */
  timeoutSeconds: number;
  checkIntervalSeconds: number;
  /** SEND_RATE_PER_MINUTE: at most this many emails a minute from one mailbox; null: no pacing. */
  ratePerMinute: number | null;
}


/** This many emails refused one after another in a flush point at the mailbox, not the emails: the rest wait. */
export const REJECTED_IN_A_ROW = 5;

/** Why the sends under way were cut short: the outbox is stopping. */
class OutboxStopped extends Error {
  readonly code = 'OUTBOX_STOPPED';
  constructor() {
    super('the outbox is stopping');
  }
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, accounts, providers, health, logger, instanceId: me } = deps;
  // One email (with the sign-in before the first) must be done by its deadline; the lease
  // outlives the deadline and its grace, so a live sender never loses it.
  const sendDeadlineMs = deps.timeoutSeconds * 2000;
  const leaseMs = sendDeadlineMs + ABORT_GRACE_MS + 3000;
  const gapMs = deps.ratePerMinute ? 60_000 / deps.ratePerMinute : 0;
  const flushing = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const lastSend = new Map<string, number>();
  /** One per flush under way: aborted at a send's deadline, or all at once by stop(). */
  const inFlight = new Set<AbortController>();
  let stopped = false;

  /** The account's oldest email still to go, leased to us; null when there is none we may send now. */
  async function claimHead(accountId: string): Promise<OutboxRow | null> {
    const now = new Date();
    const nowIso = now.toISOString();
    const head = await db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('state', 'in', ['pending', 'sending'])
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!head) return null;
    // In order: the head waits out its lease or its back-off, and everything behind it waits too.
    const taken = await db
      .updateTable('outbox_messages')
      .set((eb) => ({ state: 'sending', lease_owner: me, lease_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', head.id)
      .where('state', '=', head.state)
      .where((eb) => (head.state === 'pending' ? eb('next_attempt_at', '<=', nowIso) : leaseFree(eb, { now, me })))
      .where(accountIsConnected(accountId))
      .returningAll()
      .executeTakeFirst();
    return taken ?? null;
  }

  /** Ends the email's lease: sent or failed for good (one fewer pending: the status changes), or back to pending. */
  async function settle(row: OutboxRow, ownerId: string, patch: Partial<Pick<OutboxRow, 'state' | 'sent_at' | 'error_code' | 'error_message' | 'next_attempt_at' | 'attempts'>>): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('outbox_messages')
        .set({ ...patch, lease_owner: null, lease_until: null })
        .where('id', '=', row.id)
        .where('state', '=', 'sending')
        // Only while the lease is still ours (this instance flushes a mailbox once at a time):
        // once it lapsed, another instance may hold the email.
        .where('lease_owner', '=', me)
        .executeTakeFirst();
      if (done.numUpdatedRows > 0n && (patch.state === 'sent' || patch.state === 'failed')) {
        await markStatusChange(trx, ownerId, 'hard', deps.checkIntervalSeconds, { accounts: [row.account_id] });
      }
    });
  }

  /** Answers true when the queue may go on with the next email. */
  async function failed(account: AccountRow, row: OutboxRow, error: unknown, used: CredentialsUsed): Promise<boolean> {
    if (stopped) {
      // Cut short by the shutdown, not by the mailbox: the email goes first after the restart.
      await settle(row, account.owner_id, { state: 'pending', attempts: row.attempts - 1, next_attempt_at: new Date().toISOString() });
      return false;
    }
    const failure = failureOf(error);
    const judged = judgeSend(failure);
    const nowMs = Date.now();
    if (judged.kind === 'rejected') {
      await settle(row, account.owner_id, { state: 'failed', error_code: judged.code, error_message: judged.message });
      logger.info('outbox.rejected', { account: account.id, message: row.id, code: judged.code });
      return true;
    }
    const c = judged.classification;
    if (judged.kind === 'login_lost') {
      // The email is not at fault: it waits, untried, for the mailbox to be re-authenticated.
      const outcome = await health.recordFinding(account.id, c, used);
      if (outcome === 'superseded') {
        // Refused with credentials replaced meanwhile: the new ones go at once, untried so far.
        await settle(row, account.owner_id, { state: 'pending', attempts: row.attempts - 1, next_attempt_at: new Date(nowMs).toISOString() });
        again.add(account.id);
        logger.info('outbox.credentials_changed', { account: account.id, message: row.id });
        return false;
      }
      await settle(row, account.owner_id, {
        state: 'pending',
        attempts: row.attempts - 1,
        error_code: c.code,
        error_message: c.message,
        // A check holding the account will judge it; look again once it is done.
        next_attempt_at: new Date(outcome === 'recorded' ? nowMs : nowMs + 30_000).toISOString(),
      });
      logger.warn('outbox.login_lost', { account: account.id, message: row.id, reason: c.code, detail: c.detail });
      return false;
    }
    await settle(row, account.owner_id, { state: 'pending', error_code: c.code, error_message: c.message, next_attempt_at: new Date(nowMs + outboxRetryMs(row.attempts)).toISOString() });
    logger.warn('outbox.retry', { account: account.id, message: row.id, attempts: row.attempts, reason: c.code, detail: c.detail });
    return false;
  }

  /** Nothing of the mailbox goes for `ms` (a re-authentication releases it earlier). */
  async function holdQueue(accountId: string, ms: number): Promise<void> {
    const until = new Date(Date.now() + ms).toISOString();
    await db.updateTable('outbox_messages').set({ next_attempt_at: until }).where('account_id', '=', accountId).where('state', '=', 'pending').where('next_attempt_at', '<', until).execute();
  }

  /** Waits out SEND_RATE_PER_MINUTE before an email is claimed: a lease runs only while it is sent. */
  async function pace(accountId: string, signal: AbortSignal): Promise<void> {
    const wait = (lastSend.get(accountId) ?? 0) + gapMs - Date.now();
    if (gapMs && wait > 0) await delay(wait, undefined, { signal }).catch(() => {});
  }

  async function flush(accountId: string): Promise<void> {
    const account = await findAccount(db, accountId);
    const provider = account ? providers[account.provider] : undefined;
    if (!account || !provider || account.state !== 'connected') return;
    const flight = new AbortController();
    inFlight.add(flight);
    const login = signIn(accounts, account);
    const ctx = { signal: flight.signal, timeoutMs: deps.timeoutSeconds * 1000, rotatedRefreshToken: login.rotatedRefreshToken };
    let session: SendSession | null = null;
    /** Signs in (once a flush) and sends one email; a stalled provider is given up at the deadline. */
    const sendOne = (row: OutboxRow) =>
      withDeadline(sendDeadlineMs, flight, async () => {
        const raw = await composeMessage(row, { email: account.email, name: account.name });
        if (!session) {
          const opened = await provider.openSender(login.credentials, ctx);
          // Opened after the deadline gave up on it: nobody will close it later.
          if (flight.signal.aborted) {
            opened.close();
            throw flight.signal.reason;
          }
          session = opened;
        }
        await session.send({ from: account.email, to: row.to_address, raw });
      });
    let rejectedInARow = 0;
    try {
      for (;;) {
        await pace(accountId, flight.signal);
        const row = stopped ? null : await claimHead(accountId);
        if (!row) break;
        if (gapMs) lastSend.set(accountId, Date.now());
        try {
          await sendOne(row);
        } catch (error) {
          if (!(await failed(account, row, error, login.used))) return;
          if (++rejectedInARow < REJECTED_IN_A_ROW) continue;
          await holdQueue(account.id, outboxRetryMs(3));
          logger.warn('outbox.rejected_in_a_row', { account: account.id, count: rejectedInARow });
          return;
        }
        rejectedInARow = 0;
        await settle(row, account.owner_id, { state: 'sent', sent_at: new Date().toISOString(), error_code: null, error_message: null });
      }
    } finally {
      (session as SendSession | null)?.close();
      inFlight.delete(flight);
    }
  }

  /** Sends the mailbox's due emails now, or once more right after the run under way. */
  function kick(accountId: string): Promise<void> {
    const running = flushing.get(accountId);
    if (running) {
      again.add(accountId);
      // Resolves once the run that will see this kick is done (a new one, when it came too late).
      return running.then(() => flushing.get(accountId));
    }
    const run = (async () => {
      do {
        again.delete(accountId);
        await flush(accountId).catch((error) => logger.error('outbox.flush_failed', { account: accountId, error }));
      } while (again.has(accountId) && !stopped);
    })().finally(() => {
      flushing.delete(accountId);
      // A kick that came after the loop's last look found this run still going: it gets its own.
      if (again.has(accountId) && !stopped) void kick(accountId);
    });
    flushing.set(accountId, run);
    return run;
  }

  return {
    kick,

    /**
     * Puts every free lease back to pending (its instance died, or it lapsed), whatever the
     * mailbox's state (a crash may have left one behind on a mailbox that needs
     * re-authentication since), then kicks every connected mailbox with an email due: a
     * retry whose back-off ended, or a free lease.
     */
    async sweep(): Promise<void> {
      const now = new Date();
      const nowIso = now.toISOString();
      await db.updateTable('outbox_messages').set({ state: 'pending', lease_owner: null, lease_until: null }).where('state', '=', 'sending').where((eb) => leaseFree(eb, { now, me })).execute();
      const due = await db
        .selectFrom('outbox_messages')
        .innerJoin('accounts', 'accounts.id', 'outbox_messages.account_id')
        .select('outbox_messages.account_id')
        .distinct()
        .where('accounts.state', '=', 'connected')
        .where((eb) =>
          eb.or([
            eb.and([eb('outbox_messages.state', '=', 'pending'), eb('outbox_messages.next_attempt_at', '<=', nowIso)]),
            eb.and([eb('outbox_messages.state', '=', 'sending'), leaseFree(eb, { now, me, table: 'outbox_messages' })]),
          ]),
        )
        .limit(500)
        .execute();
      for (const { account_id } of due) if (!flushing.has(account_id)) void kick(account_id);
    },

    /** Stops taking emails, cuts the sends under way short and waits for them to put their emails back. */
    async stop(): Promise<void> {
      stopped = true;
      for (const flight of inFlight) flight.abort(new OutboxStopped());
      await Promise.allSettled([...flushing.values()]);
    },
    resume(): void {
      stopped = false;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
