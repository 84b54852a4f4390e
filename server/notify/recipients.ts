/**
 * Who hears that a mailbox lost access: every admin, its owner and the mailbox itself, once
 * each; for an operator cause (alerts/audience.ts) admins alone. Regrant emails a mailbox's own address only once that mailbox proved itself (a check
 * passed, or it came by OAuth: `verified_at`), or a member could make Regrant email any
 * stranger by adding their address with a wrong password. And the emails a member's
 * mailboxes cause to people other than admins are bounded per hour: past the bound only the
 * admins, who receive every alert, are told.
 *
 * @example const to = await alertRecipients(trx, row); // ['admin@…', 'owner@…', 'row.email if proved']
 */
import { sql } from 'kysely';
import type { Audience } from '../alerts/audience.ts';
import { adminsAndOwner } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';

/** Emails about one member's mailboxes to anyone but admins, in any hour. */
export const ALERTS_PER_MEMBER_PER_HOUR = 60;

export async function alertRecipients(db: Db, account: { email: string; owner_id: string; verified_at: string | null }, now = new Date(), audience: Audience = 'holder'): Promise<string[]> {
  const people = await adminsAndOwner(db, account.owner_id);
  const admins = people.filter((p) => p.role === 'admin').map((p) => p.email.toLowerCase());
  if (audience === 'operator') return [...new Set(admins)];
  const others = people.filter((p) => p.role !== 'admin').map((p) => p.email.toLowerCase());
  if (account.verified_at) others.push(account.email.toLowerCase());
  const owner = people.find((p) => p.id === account.owner_id);
  const outside = others.filter((e) => !admins.includes(e));
  if (owner?.role !== 'admin' && outside.length > 0) {
    const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
    let recent = db
      .selectFrom('mail_queue')
      .innerJoin('accounts', 'accounts.id', 'mail_queue.account_id')
      // Items are grouped: one person gets one email per group, however many items it holds.
      .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`count(distinct case when mail_queue.item is not null then mail_queue.recipient end)`.as('people'), sql<number>`sum(case when mail_queue.item is not null then 1 else 0 end)`.as('items')])
      .where('accounts.owner_id', '=', account.owner_id)
      .where('mail_queue.created_at', '>', hourAgo);
    if (admins.length) recent = recent.where('mail_queue.recipient', 'not in', admins);
    const { n, people: grouped, items } = await recent.executeTakeFirstOrThrow();
    const emails = Number(n) - Number(items ?? 0) + Number(grouped ?? 0);
    if (emails + outside.length > ALERTS_PER_MEMBER_PER_HOUR) return [...new Set(admins)];
  }
  return [...new Set([...admins, ...outside])];
}
