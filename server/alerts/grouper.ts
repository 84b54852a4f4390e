/**
 * One email per person per burst. A lost mailbox queues an item per recipient (state
 * `grouped`) in the transaction of its state change; a person's group opened with their first
 * waiting item and is due ALERT_GROUP_WAIT_SECONDS later, and no sooner than
 * ALERT_GROUP_INTERVAL_SECONDS after their last alert. Then one email is composed from every
 * item waiting for them, in one transaction that marks the items `merged` into it: a crash
 * before it commits leaves the items waiting, after it leaves the email in the queue, so
 * nothing is lost and the queue's own lease sends it at most twice. Two instances composing
 * for one person at once: the second finds the items already merged and rolls back.
 * While a person still has broken mailboxes, a reminder follows ALERT_REMINDER_HOURS after
 * their last alert. Each broken mailbox is shown with its incident link (reauth/incident-links.ts):
 * the same in every person's email and in reminders, a new one once it expired.
 *
 * @example
 *   const groups = createAlertGroups({ db, clock, timers, workspace, links, add: queue.add, logger });
 *   await groups.composeDue(); // emails composed now
 */
import { alertFacts, toldOfOpenIncidents, waitingOn } from '../accounts/alert-facts.ts';
import { findUserByEmail } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { DigestKind, MailRow } from '../db/schema.ts';
import type { AlertTimers } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type { QueuedEmail } from '../notify/mail-queue.ts';
import type { IncidentLinks } from '../reauth/incident-links.ts';
import { audienceOf, OPERATOR_CAUSES } from './audience.ts';
import { namedCauses, type BrokenMailbox } from './causes.ts';
import { digestOf, digestText, type Digest, type DigestInput, type DigestMailbox } from './digest.ts';
import { digestHtml } from './html.ts';

export interface AlertGroupsDeps {
  db: Db;
  clock: () => Date;
  timers: AlertTimers;
  workspace: string;
  /** Each broken mailbox's incident link; without it, emails carry none. */
  links?: Pick<IncidentLinks, 'current'>;
  add(trx: Db, emails: QueuedEmail[]): Promise<void>;
  logger: Logger;
}

/** Someone else composed these items meanwhile: roll back, nothing to do. */
class AlreadyComposed extends Error {}

type Item = Pick<MailRow, 'id' | 'account_id' | 'event_id' | 'item' | 'cause_code'>;

const ms = (iso: string) => Date.parse(iso);

export function createAlertGroups(deps: AlertGroupsDeps) {
  const { db, timers } = deps;

  /** When each of `recipients` was last alerted (a group or a reminder); asked 500 at a time. */
  async function lastAlerted(recipients: string[]): Promise<Map<string, string>> {
    const last = new Map<string, string>();
    for (let i = 0; i < recipients.length; i += 500) {
      const rows = await db
        .selectFrom('mail_queue')
        .select(['recipient', (eb) => eb.fn.max('created_at').as('last')])
        .where('digest', 'is not', null)
        .where('recipient', 'in', recipients.slice(i, i + 500))
        .groupBy('recipient')
        .execute();
      for (const r of rows) last.set(r.recipient, r.last as string);
    }
    return last;
  }

  /** People told of an incident that is still open: only they may be due a reminder. */
  async function stillBrokenFor(): Promise<string[]> {
    return [...new Set((await toldOfOpenIncidents(db, null)).map((r) => r.recipient))];
  }

  /** The broken mailboxes behind `accountIds`, with the facts an alert says, by id. */
  async function mailboxFacts(trx: Db, accountIds: string[], now: Date): Promise<Map<string, DigestMailbox & BrokenMailbox & { incident: string | null; state: string; ownerId: string }>> {
    const rows = await alertFacts(trx, accountIds);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          email: r.email,
          provider: r.provider,
          code: r.reason_code ?? 'unknown_error',
          message: r.reason_message ?? '',
          reason: r.reason_message ?? '',
          hint: r.reason_hint,
          since: r.state_changed_at ?? now.toISOString(),
          pendingEmails: r.pending,
          said: r.detail,
          audience: audienceOf(r.reason_code),
          smtpHost: r.smtp_host,
          imapHost: r.imap_host,
          incident: r.incident_event_id,
          state: r.state,
          ownerId: r.owner_id,
          link: null,
        },
      ]),
    );
  }

  /**
   * Whether `recipient` may still hear of a mailbox, as it is now: an admin, its owner or the
   * mailbox itself (operator causes: admins only). Someone told of an incident who has since
   * lost the mailbox (given to another owner, or demoted) hears no more of it.
   */
  async function hearing(trx: Db, recipient: string | null): Promise<(m: { email: string; ownerId: string; audience: string }) => boolean> {
    if (recipient === null) return () => true;
    const address = recipient.toLowerCase();
    const person = await findUserByEmail(trx, address);
    return (m) => person?.role === 'admin' || (m.audience !== 'operator' && (person?.id === m.ownerId || m.email.toLowerCase() === address));
  }

  /** The digest of `lost` mailboxes still broken, the operator causes among them, the fixed ones and resolved causes. */
  async function digestFor(trx: Db, kind: DigestKind, recipient: string | null, lost: Item[], resolvedCodes: string[], now: Date): Promise<{ input: DigestInput } | null> {
    const facts = await mailboxFacts(trx, [...new Set(lost.map((i) => i.account_id!).filter(Boolean))], now);
    const hears = await hearing(trx, recipient);
    const broken: (DigestMailbox & BrokenMailbox)[] = [];
    const fixed: string[] = [];
    const seen = new Set<string>();
    for (const item of lost) {
      const m = item.account_id ? facts.get(item.account_id) : undefined;
      if (m && !hears(m)) continue;
      const stillBroken = m && m.state === 'needs_reauth' && m.incident === item.event_id;
      if (stillBroken && !seen.has(m.id)) {
        seen.add(m.id);
        broken.push(m);
      }
      if (!stillBroken && m && !fixed.includes(m.email)) fixed.push(m.email);
    }
    const operatorCodes = [...new Set(broken.filter((m) => m.audience === 'operator').map((m) => m.code))];
    const resolved = resolvedCodes.filter((c) => !operatorCodes.includes(c) && OPERATOR_CAUSES[c]);
    const people = broken.filter((m) => m.audience !== 'operator');
    if (!people.length && !operatorCodes.length && !resolved.length) return null;
    // The link of each one's incident, as every other message about it shows it.
    for (const m of people) m.link = (await deps.links?.current(trx, { id: m.id, state: 'needs_reauth', reason_code: m.code, state_changed_at: m.since })) ?? null;
    const waiting = await waitingOn(trx, operatorCodes);
    const causes = namedCauses(people);
    const emailOf = new Map(people.map((m) => [m.id, m.email]));
    return {
      input: {
        kind,
        workspace: deps.workspace,
        recipient,
        timeZone: timers.timeZone,
        now,
        operator: operatorCodes.map((code) => ({ code, ...OPERATOR_CAUSES[code], hint: broken.find((m) => m.code === code)?.hint ?? null, waiting: waiting.get(code) ?? 0 })),
        resolved: resolved.map((code) => ({ code, ...OPERATOR_CAUSES[code] })),
        causes: causes.map((c) => ({ message: c.message, hint: c.hint, emails: c.members.map((id) => emailOf.get(id)!) })),
        mailboxes: people,
        // Listed as fixed only beside something still broken.
        fixed: people.length || operatorCodes.length ? fixed : [],
      },
    };
  }

  /** Queues the composed email; about no one mailbox (`account_id` stays on the items it carries). */
  async function queueDigest(trx: Db, recipient: string, kind: DigestKind, input: DigestInput): Promise<string> {
    const digest = digestOf(input);
    const id = newId('eml');
    // Its share links are live tokens: stored sealed, like the links themselves.
    const secret = input.mailboxes.some((m) => m.link);
    await deps.add(trx, [{ id, kind: 'alert', to: recipient, subject: digest.subject, text: digestText(digest), html: await digestHtml(digest), digest: kind, secret }]);
    return id;
  }

  /** Composes `recipient`'s group from every item waiting for them, or leaves the items out when all were fixed. */
  async function composeGroup(recipient: string, now: Date): Promise<boolean> {
    try {
      return await db.transaction().execute(async (trx) => {
        const items = await trx.selectFrom('mail_queue').select(['id', 'account_id', 'event_id', 'item', 'cause_code']).where('state', '=', 'grouped').where('recipient', '=', recipient).orderBy('created_at').execute();
        if (!items.length) return false;
        const lost = items.filter((i) => i.item !== 'resolved');
        const resolvedCodes = [...new Set(items.filter((i) => i.item === 'resolved').map((i) => i.cause_code ?? ''))];
        const found = await digestFor(trx, 'group', recipient, lost, resolvedCodes, now);
        const digestId = found ? await queueDigest(trx, recipient, 'group', found.input) : null;
        const merged = await trx.updateTable('mail_queue').set({ state: 'merged', digest_id: digestId }).where('id', 'in', items.map((i) => i.id)).where('state', '=', 'grouped').executeTakeFirst();
        if (Number(merged.numUpdatedRows) !== items.length) throw new AlreadyComposed();
        return digestId !== null;
      });
    } catch (error) {
      if (error instanceof AlreadyComposed) return false;
      throw error;
    }
  }

  /** A reminder of everything still broken that `recipient` was told of; none when nothing is. */
  async function composeReminder(recipient: string, now: Date, last: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      // Someone composed meanwhile (another instance): their email is the last alert now.
      const again = await trx.selectFrom('mail_queue').select('id').where('recipient', '=', recipient).where('digest', 'is not', null).where('created_at', '>', last).executeTakeFirst();
      if (again) return false;
      const told = await toldOfOpenIncidents(trx, recipient);
      const found = told.length ? await digestFor(trx, 'reminder', recipient, told, [], now) : null;
      if (!found) return false;
      await queueDigest(trx, recipient, 'reminder', found.input);
      return true;
    });
  }

  return {
    /**
     * The grouped message about `accountIds` as they stand now (the broken ones, their named
     * causes, operator causes, the fixed ones), for a channel that is not an email: slack and
     * teams webhooks group their own events and render these sections. Null when none is broken.
     */
    async describe(accountIds: string[]): Promise<Digest | null> {
      const now = deps.clock();
      return db.transaction().execute(async (trx) => {
        const facts = await mailboxFacts(trx, accountIds, now);
        const lost = accountIds.map((id) => ({ id, account_id: id, event_id: facts.get(id)?.incident ?? null, item: 'lost' as const, cause_code: null }));
        const found = await digestFor(trx, 'group', null, lost, [], now);
        return found ? digestOf(found.input) : null;
      });
    },

    /** Composes every group and reminder due at the clock's now; answers how many emails were queued. */
    async composeDue(): Promise<number> {
      const now = deps.clock();
      const open = await db.selectFrom('mail_queue').select(['recipient', (eb) => eb.fn.min('created_at').as('opened')]).where('state', '=', 'grouped').groupBy('recipient').execute();
      const reminded = timers.reminderHours > 0 ? await stillBrokenFor() : [];
      // Only the people who may be due something: the alert history of everyone else stays unread.
      const concerned = [...new Set([...open.map((o) => o.recipient), ...reminded])];
      const last = await lastAlerted(concerned);
      let queued = 0;
      for (const { recipient, opened } of open) {
        const previous = last.get(recipient);
        const due = now.getTime() >= ms(opened as string) + timers.groupWaitSeconds * 1000 && (!previous || now.getTime() >= ms(previous) + timers.groupIntervalSeconds * 1000);
        if (due && (await composeGroup(recipient, now))) queued += 1;
      }
      if (timers.reminderHours > 0) {
        const waitingGroup = new Set(open.map((o) => o.recipient));
        for (const recipient of reminded) {
          const at = last.get(recipient);
          if (!at || waitingGroup.has(recipient) || now.getTime() < ms(at) + timers.reminderHours * 3_600_000) continue;
          if (await composeReminder(recipient, now, at)) queued += 1;
        }
      }
      if (queued) deps.logger.info('alerts.composed', { emails: queued });
      return queued;
    },
  };
}

export type AlertGroups = ReturnType<typeof createAlertGroups>;
