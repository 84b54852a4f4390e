/**
 * What the database says about Regrant's work, one grouped query each: mailboxes by state and
 * provider, checks overdue, emails waiting in the outbox (by their mailbox's state) and in the
 * queue of Regrant's own emails. Read when /metrics is scraped and for the server health
 * answer; every instance of a fleet reads the same rows, so a dashboard takes their `max`.
 *
 * @example
 *   const overdue = await checksOverdue(db, new Date(), 300); // mailboxes due over 5 minutes ago
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AccountState, ProviderKind } from '../../shared/api.ts';
import type { MailKind } from '../db/schema.ts';

export interface Waiting {
  waiting: number;
  /** When the oldest one was queued; null when none waits. */
  oldestAt: string | null;
}

export async function mailboxCounts(db: Db): Promise<Array<{ state: AccountState; provider: ProviderKind; count: number }>> {
  const rows = await db.selectFrom('accounts').select(['state', 'provider', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(['state', 'provider']).execute();
  return rows.map((r) => ({ state: r.state, provider: r.provider, count: Number(r.count) }));
}

/** Mailboxes whose check was due more than one check interval ago: checking has fallen behind. */
export async function checksOverdue(db: Db, now: Date, intervalSeconds: number): Promise<number> {
  const cutoff = new Date(now.getTime() - intervalSeconds * 1000).toISOString();
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('next_check_at', '<', cutoff).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Emails queued to go out from mailboxes and not sent yet, by the state of their mailbox (a broken one holds them). */
export async function outboxWaiting(db: Db): Promise<Array<Waiting & { mailboxState: AccountState }>> {
  const rows = await db
    .selectFrom('outbox_messages as o')
    .innerJoin('accounts as a', 'a.id', 'o.account_id')
    .select(['a.state', (eb) => eb.fn.countAll<number>().as('waiting'), (eb) => eb.fn.min('o.created_at').as('oldest')])
    .where('o.state', 'in', ['pending', 'sending'])
    .groupBy('a.state')
    .execute();
  return rows.map((r) => ({ mailboxState: r.state, waiting: Number(r.waiting), oldestAt: (r.oldest as string | null) ?? null }));
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
