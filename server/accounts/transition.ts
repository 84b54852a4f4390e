/**
 * The one writer of a mailbox's state. Whatever moved it (a scheduled or manual check, a send
 * or an inbox scan that found the login gone, a re-grant from the popup or a share link, an
 * import that tested new settings, a change of settings), `transition` writes, in the caller's
 * transaction: the row (through the state machine of health/state.ts), its event, the
 * incident's alert or the reconnection notice, and the owners' status versions. A new incident
 * gets its share link here (every message about it shows that one); a reconnection, by any
 * path, revokes every link of the mailbox (a share link that did the fix is consumed first, in
 * the same transaction, and so stays "used"). `admit` does the same for mailboxes that are new.
 *
 * @example
 *   const t = await transitions.transition(trx, row, { kind: 'signin', failures: [] }, {
 *     set: { lease_owner: null, lease_until: null },
 *     expect: { leaseOwner: row.lease_owner, updatedAt: row.updated_at },
 *   });
 *   if (t.reconnected) health.announceReconnected(row.id);
 */
import { adminsAndOwner, findUser } from '../auth/repository.ts';
import type { StatusChange } from '../auth/status-version.ts';
import { markStatusChange, StatusVersions } from './status-stamp.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, AccountUpdate, NewAccountEvent, NewAccountRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { worst, type Classification } from '../health/classify.ts';
import { judge } from '../health/judgement.ts';
import type { Decision } from '../health/state.ts';
import { troubleMessage } from '../health/trouble.ts';
import { lostAccessEmail } from '../notify/alert-email.ts';
import { connectedEmail } from '../notify/connected-email.ts';
import type { AlertDraft } from '../notify/index.ts';
import { alertRecipients } from '../notify/recipients.ts';
import { audienceOf } from '../alerts/audience.ts';
import { reconnectedEmail } from '../notify/reconnected-email.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { mailboxLimit } from './refusals.ts';

/** What was found about a mailbox, from wherever it was found. */
export type Finding =
  /** A sign-in was tried (a check, a send, a scan, an import's test): its failures, none when it worked. `manual`: a person asked. */
  | { kind: 'signin'; failures: Classification[]; manual?: boolean }
  /** A new OAuth grant that opens the mailbox, through `by` ("a re-grant by ann@…", "a share link created by …"). */
  | { kind: 'regranted'; providerLabel: string; by: string; alsoTell?: string | null }
  /** Settings changed by a person and not tested yet: the state stays. */
  | { kind: 'settings'; credentialsChanged: boolean };

export interface TransitionOptions {
  /** More of the row, written in the same statement: settings, a sealed refresh token, the lease's release. */
  set?: AccountUpdate;
  /** Write only while the row still holds these: the lease a check holds, the settings it judged. */
  expect?: { leaseOwner?: string | null; updatedAt?: string };
  /** Gathers the status-version bumps of a batch; without it they are made at once. */
  versions?: StatusVersions;
  now?: Date;
}

export interface Transition {
  /** The row as written; null when it no longer held what `expect` said (or is gone): nothing was written. */
  after: AccountRow | null;
  /** The state machine's decision (null for a change of settings). */
  decision: Decision | null;
  /** Events written: the state change, or the trouble of a check that changed nothing. */
  events: NewAccountEvent[];
  /** Back to connected by this write: held emails may go, the inbox may catch up. */
  reconnected: boolean;
  /** An email to people was recorded: the notifier has work. */
  notified: boolean;
}

export interface TransitionDeps {
  notifier: { record(trx: Db, draft: AlertDraft): Promise<void> };
  /** MAX_MAILBOXES_PER_MEMBER: admins have no limit. */
  maxMailboxesPerMember: number;
  intervalSeconds: number;
  random?: () => number;
  workspaceName: string;
  /** Webhook deliveries of a state change, written with it (server/webhooks/record.ts). */
  webhooks?: { record(trx: Db, account: AccountRow, event: NewAccountEvent): Promise<void> };
  /** The incident's share link, made with the state change; every link revoked on reconnection (server/reauth/incident-links.ts). */
  links?: {
    open(trx: Db, accountId: string, code: string): Promise<{ url: string } | null>;
    revokeAll(trx: Db, accountId: string): Promise<number>;
  };
}

/** Rows per INSERT: ~30 columns each stays far below SQLite's 32,766 bound variables. */
const INSERT_CHUNK = 200;
/** Events per INSERT (~10 columns). */
const EVENT_CHUNK = 500;

interface Plan {
  patch: AccountUpdate;
  decision: Decision | null;
  events: NewAccountEvent[];
  change: StatusChange;
  reconnected: boolean;
  /** The email this write sends, once the row is written. */
  notice: ((trx: Db, eventId: string) => Promise<AlertDraft | null>) | null;
  /** A new incident with this cause: its link is made with it. */
  opens?: string;
  /** Back to connected from needs_reauth, or a new grant: every link of the mailbox has done its job. */
  closes?: boolean;
  /** The operator cause this write may have ended (the mailbox left it): told once the last one leaves. */
  leaves?: string | null;
}


export function createTransitions(deps: TransitionDeps) {
  /**
   * A member owns at most MAX_MAILBOXES_PER_MEMBER mailboxes, however they come (created,
   * imported, connected, given by an admin). 422: the request is understood but cannot be
   * done as it stands, and waiting will not change that (a 429 would invite a retry).
   */
  async function assertRoom(trx: Db, ownerIds: string[]): Promise<void> {
    const adding = new Map<string, number>();
    for (const id of ownerIds) adding.set(id, (adding.get(id) ?? 0) + 1);
    for (const [ownerId, n] of adding) {
      const owner = await findUser(trx, ownerId);
      if (!owner || owner.role === 'admin') continue;
      const { count } = await trx.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('count')).where('owner_id', '=', ownerId).executeTakeFirstOrThrow();
      if (Number(count) + n > deps.maxMailboxesPerMember) throw mailboxLimit(owner.email, Number(count), deps.maxMailboxesPerMember);
    }
  }

  const timing = { intervalSeconds: deps.intervalSeconds, random: deps.random };

  /** What a sign-in's failures (none: it worked) make of `row`. */
  function signin(row: AccountRow, finding: Extract<Finding, { kind: 'signin' }>, now: Date): Plan {
    const nowIso = now.toISOString();
    const found = worst(finding.failures);
    const { decision, patch, event } = judge(row, found, now, timing);
    // Every failure is on record (SMTP and IMAP both), not only the one that decided.
    const detail = finding.failures.map((f) => f.detail).join('\n').slice(0, 1000) || null;
    const events: NewAccountEvent[] = event ? [{ ...event, detail }] : [];
    // Trouble that changed nothing yet is said in words: to whoever asked, and while it counts
    // towards "unreachable". Later trouble of an unreachable mailbox says nothing new.
    const counting = row.state === 'connected' || row.state === 'new';
    const troubled = found?.verdict === 'transient' && !decision.transition && (finding.manual || counting);
    if (troubled) {
      const nextInMs = decision.next_check_at ? Date.parse(decision.next_check_at) - now.getTime() : null;
      const message = troubleMessage(finding.failures, decision.state, nextInMs);
      Object.assign(patch, { trouble_message: message, trouble_at: nowIso });
      events.push({ id: newId('evt'), kind: 'trouble', account_id: row.id, at: nowIso, from_state: row.state, to_state: decision.state, reason_code: found.code, message, hint: found.hint, detail });
    } else {
      Object.assign(patch, { trouble_message: null, trouble_at: null });
    }
    // A sign-in that worked proves the mailbox: from now on alerts may go to its own address.
    if (!found && !row.verified_at) patch.verified_at = nowIso;
    const reasonChanged = decision.reason !== undefined && (decision.reason?.code ?? null) !== row.reason_code;
    const troubleChanged = (patch.trouble_message ?? null) !== (row.trouble_message ?? null);
    const visible = finding.manual || decision.transition || reasonChanged || troubleChanged;
    const opens = decision.opensIncident && found && event;
    return {
      patch,
      decision,
      events,
      change: visible ? 'hard' : 'soft',
      // Any way back to connected (from needs_reauth, unreachable or new) releases held emails.
      reconnected: decision.transition && decision.state === 'connected',
      notice: opens
        ? async (trx, eventId) => ({
            accountId: row.id,
            eventId,
            // Told only to whoever can fix it (alerts/audience.ts); grouped per person before it goes.
            recipients: await alertRecipients(trx, row, now, audienceOf(found.code)),
            item: 'lost',
            causeCode: found.code,
            ...lostAccessEmail({ email: row.email, reason: { code: found.code, message: found.message, hint: found.hint }, adminAction: found.verdict === 'admin_action', since: nowIso, workspace: deps.workspaceName }),
          })
        : null,
      opens: opens ? found.code : undefined,
      closes: row.state === 'needs_reauth' && decision.state === 'connected',
      leaves: decision.transition && decision.state === 'connected' ? row.reason_code : null,
    };
  }

  /** A new grant: connected, always an event (a re-grant of a connected mailbox is worth a line too), and a notice to its people. */
  function regranted(row: AccountRow, finding: Extract<Finding, { kind: 'regranted' }>, now: Date): Plan {
    const nowIso = now.toISOString();
    const { decision, patch } = judge(row, null, now, timing);
    Object.assign(patch, { trouble_message: null, trouble_at: null, ...(row.verified_at ? {} : { verified_at: nowIso }) });
    const event: NewAccountEvent = { id: newId('evt'), account_id: row.id, at: nowIso, from_state: row.state, to_state: 'connected', reason_code: 'regranted', message: `Re-authenticated with ${finding.providerLabel} through ${finding.by}.`, hint: null, detail: null };
    return {
      patch,
      decision,
      events: [event],
      change: 'hard',
      // Even when it already counted as connected: what waited for the new grant goes now.
      reconnected: true,
      closes: true,
      leaves: row.state === 'needs_reauth' ? row.reason_code : null,
      notice: async (trx, eventId) => {
        const owner = await findUser(trx, row.owner_id);
        const recipients = [owner?.email, finding.alsoTell].filter((e): e is string => Boolean(e));
        const mail = reconnectedEmail({ email: row.email, provider: finding.providerLabel, by: finding.by, at: nowIso, workspace: deps.workspaceName });
        return { accountId: row.id, eventId, recipients: [...new Set(recipients.map((e) => e.toLowerCase()))], ...mail };
      },
    };
  }

  function planOf(row: AccountRow, finding: Finding, now: Date): Plan {
    if (finding.kind === 'signin') return signin(row, finding, now);
    if (finding.kind === 'regranted') return regranted(row, finding, now);
    // New settings are untried: what the old ones ran into no longer says anything.
    const patch: AccountUpdate = finding.credentialsChanged ? { trouble_message: null, trouble_at: null } : {};
    return { patch, decision: null, events: [], change: 'hard', reconnected: false, notice: null };
  }

  async function finish(trx: Db, plan: Plan, row: AccountRow, versions: StatusVersions | undefined): Promise<boolean> {
    for (const event of plan.events) await trx.insertInto('account_events').values(event).execute();
    // The incident's link exists before anything tells of it: every message shows the same one.
    if (plan.opens) await deps.links?.open(trx, row.id, plan.opens);
    if (plan.closes) await deps.links?.revokeAll(trx, row.id);
    const draft = plan.notice && plan.events[0] ? await plan.notice(trx, plan.events[0].id) : null;
    if (draft) await deps.notifier.record(trx, draft);
    const resolved = plan.leaves && plan.events[0] ? await resolvedNotice(trx, plan.leaves, row, plan.events[0].id) : null;
    if (resolved) await deps.notifier.record(trx, resolved);
    if (versions) versions.note(row.owner_id, plan.change, row.id);
    else await markStatusChange(trx, row.owner_id, plan.change, deps.intervalSeconds, { accounts: [row.id] });
    return draft !== null || resolved !== null;
  }

  /** The last mailbox waiting on an operator cause left it: the admins hear it is resolved, once. */
  async function resolvedNotice(trx: Db, code: string, row: AccountRow, eventId: string): Promise<AlertDraft | null> {
    if (audienceOf(code) !== 'operator') return null;
    const still = await trx.selectFrom('accounts').select('id').where('state', '=', 'needs_reauth').where('reason_code', '=', code).limit(1).executeTakeFirst();
    if (still) return null;
    const recipients = await alertRecipients(trx, row, new Date(), 'operator');
    return { accountId: row.id, eventId, recipients, item: 'resolved', causeCode: code, subject: `${deps.workspaceName}: resolved (${code})`, text: `The cause ${code} no longer holds any mailbox.` };
  }

  return {
    assertRoom,

    /** Moves `row` by `finding`, inside `trx`: row, events, notice and status versions, or nothing when `expect` no longer holds. */
    async transition(trx: Db, row: AccountRow, finding: Finding, opts: TransitionOptions = {}): Promise<Transition> {
      const plan = planOf(row, finding, opts.now ?? new Date());
      // The state machine's fields win over `set` (an import's settings carry a schedule of
      // their own); they also come first, so the statement reads as a result, not a claim.
      const values = { ...plan.patch, ...opts.set, ...plan.patch };
      // Nothing of the row changes (settings said again): the statement still proves it is there.
      let query = trx.updateTable('accounts').set(Object.keys(values).length ? values : { id: row.id }).where('id', '=', row.id);
      const { leaseOwner, updatedAt } = opts.expect ?? {};
      if (leaseOwner !== undefined) query = leaseOwner === null ? query.where('lease_owner', 'is', null) : query.where('lease_owner', '=', leaseOwner);
      if (updatedAt !== undefined) query = query.where('updated_at', '=', updatedAt);
      const after = await query.returningAll().executeTakeFirst();
      if (!after) return { after: null, decision: plan.decision, events: [], reconnected: false, notified: false };
      const notified = await finish(trx, plan, row, opts.versions);
      for (const event of plan.events) await deps.webhooks?.record(trx, after, event);
      return { after, decision: plan.decision, events: plan.events, reconnected: plan.reconnected, notified };
    },

    /**
     * Writes new mailboxes inside `trx`: as they are (null: `new`, not checked yet), connected
     * after a sign-in that worked (an import's test), or connected with a new OAuth grant.
     * Answers whether a notice was recorded. An address already known is refused (account_exists).
     */
    async admit(trx: Db, rows: NewAccountRow[], finding: null | { kind: 'signin'; failures: [] } | { kind: 'connected'; providerLabel: string }): Promise<boolean> {
      const now = new Date();
      const events: NewAccountEvent[] = [];
      const written = rows.map((r) => {
        if (!finding) return r;
        const { patch, event } = judge({ id: r.id, state: 'new', transient_failures: 0, slow_retries: 0, next_check_at: r.next_check_at ?? null }, null, now, timing);
        if (event) events.push(finding.kind === 'connected' ? { ...event, reason_code: 'connected', message: `Connected with ${finding.providerLabel}.` } : event);
        // A sign-in that worked (an import's test) or an OAuth grant proves the mailbox.
        return { ...r, ...patch, verified_at: now.toISOString() } as NewAccountRow;
      });
      await assertRoom(trx, rows.map((r) => r.owner_id));
      for (let i = 0; i < written.length; i += INSERT_CHUNK) {
        try {
          await trx.insertInto('accounts').values(written.slice(i, i + INSERT_CHUNK)).execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new DomainError('account_exists', rows.length === 1 ? `a mailbox ${rows[0].email} already exists in Regrant` : 'one of these mailboxes already exists in Regrant', 'email');
        }
      }
      for (let i = 0; i < events.length; i += EVENT_CHUNK) await trx.insertInto('account_events').values(events.slice(i, i + EVENT_CHUNK)).execute();
      let notified = false;
      if (finding?.kind === 'connected') {
        for (const r of written) {
          const owner = await findUser(trx, r.owner_id);
          const event = events.find((e) => e.account_id === r.id);
          if (!owner || !event) continue;
          const mail = connectedEmail({ email: r.email, provider: finding.providerLabel, owner: owner.email, workspace: deps.workspaceName });
          // Every admin hears of every mailbox newly connected: whoever consented, whoever owns it.
          const people = (await adminsAndOwner(trx, r.owner_id)).map((p) => p.email.toLowerCase());
          await deps.notifier.record(trx, { accountId: r.id, eventId: event.id, recipients: [...new Set([r.email.toLowerCase(), ...people])], ...mail });
          notified = true;
        }
      }
      await markStatusChange(trx, [...new Set(rows.map((r) => r.owner_id))], 'hard', deps.intervalSeconds, { accounts: rows.map((r) => r.id) });
      return notified;
    },
  };
}

export type Transitions = ReturnType<typeof createTransitions>;
