/**
 * What `GET /api/status` answers: every mailbox the caller sees, or (`since`) only what changed
 * for them since that version. Read in one transaction after the version itself, so every
 * change up to the version is in the answer (see auth/status-version.ts); a change after it may
 * be too, and comes again in the next delta, which is harmless.
 *
 * @example
 *   const answer = await readStatus(db, user, 1234); // a StatusDelta, or the full list with full: true
 */
import type { StatusCounts, StatusDelta, StatusResponse } from '../../shared/api.ts';
import { currentStatusVersion } from '../auth/status-version.ts';
import type { Db } from '../db/index.ts';
import { pendingCounts } from '../outbox/queue.ts';
import type { Actor } from './index.ts';
import { STATUS_COLUMNS, statusView } from './view.ts';
import { statusCauses, type StatusCauses } from '../alerts/status-causes.ts';

const visible = (db: Db, actor: Actor) => {
  const q = db.selectFrom('accounts').innerJoin('users', 'users.id', 'accounts.owner_id');
  return actor.role === 'admin' ? q : q.where('accounts.owner_id', '=', actor.id);
};

async function countsOf(db: Db, actor: Actor): Promise<StatusCounts> {
  const rows = await visible(db, actor)
    .select(['accounts.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('accounts.state')
    .execute();
  const n = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return { total: rows.reduce((sum, r) => sum + Number(r.n), 0), connected: n('connected'), needsReauth: n('needs_reauth'), unreachable: n('unreachable') };
}

/** The causes behind the caller's broken mailboxes (alerts/status-causes.ts). */
async function causesOf(db: Db, actor: Actor): Promise<StatusCauses> {
  const rows = await visible(db, actor)
    .select(['accounts.id', 'accounts.email', 'accounts.provider', 'accounts.reason_code', 'accounts.reason_message', 'accounts.reason_hint', 'accounts.smtp_host', 'accounts.imap_host'])
    .where('accounts.state', '=', 'needs_reauth')
    .execute();
  return statusCauses(rows.map((r) => ({ id: r.id, email: r.email, provider: r.provider, code: r.reason_code ?? 'unknown_error', message: r.reason_message ?? '', hint: r.reason_hint, smtpHost: r.smtp_host, imapHost: r.imap_host })));
}

async function rowsOf(db: Db, actor: Actor, since: number | null, causes: StatusCauses) {
  let query = visible(db, actor)
    .select(STATUS_COLUMNS.map((c) => `accounts.${c}` as const))
    .select(['accounts.name', 'users.email as owner_email']);
  if (since !== null) query = query.where('accounts.status_seq', '>', since);
  const rows = await query.orderBy('accounts.email').execute();
  const pending = await pendingCounts(db);
  return rows.map((r) => {
    const cause = causes.byAccount.get(r.id);
    return { ...statusView(r, pending.get(r.id) ?? 0), name: r.name, ownerEmail: r.owner_email, ...(cause ? { cause } : {}) };
  });
}

/** Ids the caller saw and no longer sees, gone since `since`. */
async function removedSince(db: Db, actor: Actor, since: number): Promise<string[]> {
  let query = db.selectFrom('status_removals').select('account_id').distinct().where('seq', '>', since);
  // Still here and still theirs (given back, or an admin's view of a hand-over): not removed.
  query = actor.role === 'admin'
    ? query.where((eb) => eb.not(eb.exists(eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.id', '=', 'status_removals.account_id'))))
    : query.where('owner_id', '=', actor.id).where((eb) => eb.not(eb.exists(eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.id', '=', 'status_removals.account_id').where('accounts.owner_id', '=', actor.id))));
  return (await query.execute()).map((r) => r.account_id);
}

export async function readStatus(db: Db, actor: Actor, since: number | null = null): Promise<StatusResponse | StatusDelta> {
  return db.transaction().execute(async (trx) => {
    const { version, removalsFloor } = await currentStatusVersion(trx);
    // Too old (its removals may be gone) or not one of ours: the whole list.
    const answerable = since !== null && since >= removalsFloor && since <= version;
    // Causes are read whole every time: a cause's count moves with mailboxes a delta leaves out.
    const causes = await causesOf(trx, actor);
    const all = causes.causes.length ? { causes: causes.causes } : {};
    if (!answerable) {
      const accounts = await rowsOf(trx, actor, null, causes);
      return { version, ...(since !== null ? { full: true as const } : {}), counts: await countsOf(trx, actor), accounts, ...all };
    }
    return { version, counts: await countsOf(trx, actor), changed: await rowsOf(trx, actor, since, causes), removed: await removedSince(trx, actor, since), ...all };
  });
}
