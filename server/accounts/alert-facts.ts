/**
 * What alerts say about mailboxes, read where the accounts table is owned: each mailbox's
 * state, reason, incident, hosts, what the server said when it broke and the emails it holds;
 * and how many mailboxes wait on a cause everywhere. server/alerts/ composes from these.
 *
 * @example
 *   const rows = await alertFacts(trx, ['acc_1']); // [{ id, email, state, reason_code, …, detail, pending }]
 *   const waiting = await waitingOn(trx, ['oauth_secret_rejected']); // Map { 'oauth_secret_rejected' => 20 }
 *   const now = await incidentsOf(trx, ['acc_1']); // [{ id, state, incident_event_id }]
 */
import type { Db } from '../db/index.ts';

/** Each mailbox's state and open incident now: whether a loss told of earlier still stands. */
export async function incidentsOf(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  return db.selectFrom('accounts').select(['id', 'state', 'incident_event_id']).where('id', 'in', accountIds).execute();
}

export async function alertFacts(db: Db, accountIds: string[]) {
  if (!accountIds.length) return [];
  const rows = await db
    .selectFrom('accounts')
    .leftJoin('account_events', 'account_events.id', 'accounts.incident_event_id')
    .select(['accounts.id', 'accounts.email', 'accounts.owner_id', 'accounts.provider', 'accounts.state', 'accounts.reason_code', 'accounts.reason_message', 'accounts.reason_hint', 'accounts.state_changed_at', 'accounts.incident_event_id', 'accounts.smtp_host', 'accounts.imap_host', 'account_events.detail'])
    .where('accounts.id', 'in', accountIds)
    .execute();
  const waiting = await db.selectFrom('outbox_messages').select(['account_id', (eb) => eb.fn.countAll<number>().as('n')]).where('account_id', 'in', accountIds).where('state', 'in', ['pending', 'sending']).groupBy('account_id').execute();
  const pending = new Map(waiting.map((w) => [w.account_id, Number(w.n)]));
  return rows.map((r) => ({ ...r, pending: pending.get(r.id) ?? 0 }));
}

/** Mailboxes that need a person because of each of `codes`, everywhere. */
export async function waitingOn(db: Db, codes: string[]): Promise<Map<string, number>> {
  if (!codes.length) return new Map();
  const rows = await db.selectFrom('accounts').select(['reason_code', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '=', 'needs_reauth').where('reason_code', 'in', codes).groupBy('reason_code').execute();
  return new Map(rows.map((r) => [r.reason_code ?? '', Number(r.n)]));
}

/** Alert items already told (merged into an email) whose incident is still open: what a reminder repeats. `recipient` null: everyone's. */
export async function toldOfOpenIncidents(db: Db, recipient: string | null) {
  let q = db
    .selectFrom('mail_queue')
    .innerJoin('accounts', (j) => j.onRef('accounts.id', '=', 'mail_queue.account_id').onRef('accounts.incident_event_id', '=', 'mail_queue.event_id'))
    .select(['mail_queue.id', 'mail_queue.recipient', 'mail_queue.account_id', 'mail_queue.event_id', 'mail_queue.item', 'mail_queue.cause_code'])
    .where('mail_queue.state', '=', 'merged')
    .where('mail_queue.digest_id', 'is not', null)
    .where('accounts.state', '=', 'needs_reauth');
  if (recipient) q = q.where('mail_queue.recipient', '=', recipient);
  return q.execute();
}
