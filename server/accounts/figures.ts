/**
 * What the accounts table says in aggregate, for Regrant's metrics and its own health: one
 * grouped query each, the same on every instance of a fleet.
 *
 * @example
 *   await checksOverdue(db, new Date(), 300); // mailboxes due over 5 minutes ago
 *   await lastCheckCycle(db);                 // { startedAt, finishedAt, seconds, mailboxes } | null
 */
import type { AccountState, ProviderKind } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';

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

/** Every connected or unreachable mailbox was last checked between these two times. */
export async function lastCheckCycle(db: Db): Promise<{ startedAt: string; finishedAt: string; seconds: number; mailboxes: number } | null> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => [eb.fn.min('last_checked_at').as('first'), eb.fn.max('last_checked_at').as('last'), eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['connected', 'unreachable'])
    .where('last_checked_at', 'is not', null)
    .executeTakeFirstOrThrow();
  if (!row.first || !row.last) return null;
  const [startedAt, finishedAt] = [String(row.first), String(row.last)];
  return { startedAt, finishedAt, seconds: (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000, mailboxes: Number(row.n) };
}

/** Emails queued to go out and not sent yet, by the state of their mailbox (a broken one holds them). */
export async function outboxByMailboxState(db: Db): Promise<Array<{ mailboxState: AccountState; waiting: number; oldestAt: string | null }>> {
  const rows = await db
    .selectFrom('outbox_messages as o')
    .innerJoin('accounts as a', 'a.id', 'o.account_id')
    .select(['a.state', (eb) => eb.fn.countAll<number>().as('waiting'), (eb) => eb.fn.min('o.created_at').as('oldest')])
    .where('o.state', 'in', ['pending', 'sending'])
    .groupBy('a.state')
    .execute();
  return rows.map((r) => ({ mailboxState: r.state, waiting: Number(r.waiting), oldestAt: (r.oldest as string | null) ?? null }));
}
