/**
 * What the database says about Regrant's work, one grouped query each, read when /metrics is
 * scraped and for the server health answer: the mailboxes' figures come from accounts/
 * (the table's owner), the queue of Regrant's own emails is read here. Every instance of a
 * fleet reads the same rows, so a dashboard takes their `max`.
 *
 * @example
 *   const own = await mailQueueWaiting(db); // [{ kind: 'alert', waiting: 3, oldestAt, failing: 3 }]
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { MailKind } from '../db/schema.ts';

export { checksOverdue, lastCheckCycle, mailboxCounts, outboxByMailboxState } from '../accounts/figures.ts';

export interface Waiting {
  waiting: number;
  /** When the oldest one was queued; null when none waits. */
  oldestAt: string | null;
}

/** Regrant's own emails not delivered yet, by kind; `failing`: those whose last try was refused. */
export async function mailQueueWaiting(db: Db): Promise<Array<Waiting & { kind: MailKind; failing: number }>> {
  const rows = await db
    .selectFrom('mail_queue')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('waiting'), (eb) => eb.fn.min('created_at').as('oldest'), sql<number>`sum(case when last_error is not null then 1 else 0 end)`.as('failing')])
    .where('state', 'in', ['pending', 'sending'])
    .groupBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, waiting: Number(r.waiting), oldestAt: (r.oldest as string | null) ?? null, failing: Number(r.failing) }));
}

/** Seconds from `iso` to `now`; 0 for none. */
export function ageSeconds(iso: string | null, now: Date): number {
  return iso ? Math.max(0, (now.getTime() - Date.parse(iso)) / 1000) : 0;
}
