/**
 * Regrant's own health, from the database: the last full check cycle and its length, checks
 * overdue, the outbox and the queue of Regrant's own emails, the last refusal of an alert
 * email, the version. `degraded()` is what `/api/status` carries for everyone; it is read at
 * most every few seconds, so a 304 to a poll stays one token lookup most of the time.
 *
 * @example
 *   const own = createOwnHealth({ db, intervalSeconds: 300, version: '0.1.0' });
 *   await own.degraded(); // true while checks are overdue or alert emails are refused
 *   await own.report();   // GET /api/server/health
 */
import type { ServerHealth } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';
import { redactString } from '../log/redact.ts';
import { checksOverdue, lastCheckCycle, mailQueueWaiting, outboxByMailboxState, type Waiting } from './database-figures.ts';

export interface OwnHealthDeps {
  db: Db;
  intervalSeconds: number;
  version: string;
  /** How long a `degraded()` answer is reused. */
  degradedCacheMs?: number;
}

type Problem = ServerHealth['problems'][number];

/** Sums waiting emails over groups, keeping the oldest. */
function total(groups: Waiting[]): Waiting {
  const oldest = groups.map((g) => g.oldestAt).filter((t): t is string => t !== null).sort()[0] ?? null;
  return { waiting: groups.reduce((n, g) => n + g.waiting, 0), oldestAt: oldest };
}

export function createOwnHealth({ db, intervalSeconds, version, degradedCacheMs = 5000 }: OwnHealthDeps) {
  let cached: { until: number; value: Promise<boolean>; known?: boolean } | null = null;

  async function alertEmailsFailing(): Promise<boolean> {
    const row = await db.selectFrom('mail_queue').select('id').where('state', 'in', ['pending', 'sending']).where('last_error', 'is not', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async function problems(now: Date): Promise<Problem[]> {
    const [late, failing] = await Promise.all([checksOverdue(db, now, intervalSeconds), alertEmailsFailing()]);
    return [...(late > 0 ? (['checks_overdue'] as const) : []), ...(failing ? (['alert_emails_failing'] as const) : [])];
  }

  async function lastError(): Promise<ServerHealth['alertEmails']['lastError']> {
    const row = await db
      .selectFrom('mail_queue')
      .select(['last_error', 'attempts', 'next_attempt_at'])
      .where('state', 'in', ['pending', 'sending'])
      .where('last_error', 'is not', null)
      .orderBy('next_attempt_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { message: redactString(row.last_error ?? ''), attempts: row.attempts, nextAttemptAt: row.next_attempt_at } : null;
  }

  return {
    /** The NOTIFY_SMTP_URL server refuses Regrant's emails: the reply code of the latest refusal (null when it gave none), or null when none is refused. */
    async ownEmailsRefused(): Promise<{ replyCode: string | null } | null> {
      const error = await lastError();
      if (!error) return null;
      return { replyCode: /\b([45]\d\d)(?:[ -]([45]\.\d{1,3}\.\d{1,3}))?/.exec(error.message)?.slice(1).filter(Boolean).join(' ') ?? null };
    },

    /** Checks overdue or alert emails refused: Regrant itself needs its operator. */
    degraded(): Promise<boolean> {
      const now = Date.now();
      if (!cached || cached.until <= now) {
        const value = problems(new Date(now)).then((p) => p.length > 0);
        const entry: NonNullable<typeof cached> = { until: now + degradedCacheMs, value };
        cached = entry;
        value.then((known) => (entry.known = known)).catch(() => (cached = null));
      }
      return cached.value;
    },

    /** `degraded()`'s answer without a promise while a fresh one is known, else undefined (then ask `degraded()`). */
    degradedNow(): boolean | undefined {
      return cached && cached.until > Date.now() ? cached.known : undefined;
    },

    async report(): Promise<ServerHealth> {
      const now = new Date();
      const [found, overdue, cycle, outbox, own, error] = await Promise.all([problems(now), checksOverdue(db, now, intervalSeconds), lastCheckCycle(db), outboxByMailboxState(db), mailQueueWaiting(db), lastError()]);
      return {
        version,
        degraded: found.length > 0,
        problems: found,
        checks: { intervalSeconds, overdue, lastCycle: cycle },
        outbox: total(outbox),
        alertEmails: { ...total(own), failing: own.reduce((n, g) => n + g.failing, 0), lastError: error },
      };
    },
  };
}

export type OwnHealth = ReturnType<typeof createOwnHealth>;
