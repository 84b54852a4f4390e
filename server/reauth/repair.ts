/**
 * Repair links: the share link of a custom (password) mailbox. Its page asks the mailbox's
 * holder for the new password, and nothing else can be changed through it. A password is
 * saved only when both sign-ins (SMTP and IMAP) pass with it, in one transaction that also
 * uses the link up, revokes the mailbox's other links and reconnects it; then its held emails
 * go. Wrong passwords are counted (repair-tries.ts): past the allowance the link dies and the
 * owner is told, so that Regrant cannot be used to guess passwords against the mail server.
 *
 * @example
 *   const repair = createRepair(deps);
 *   const view = await repair.view(found);                       // GET /r/:token
 *   const answer = await repair.submit(found, readRepairForm(body)); // POST /r/:token
 */
import type { Reason } from '../../shared/api.ts';
import type { Accounts, SignInTest } from '../accounts/index.ts';
import { findUser } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';
import type { AccountRow } from '../db/schema.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { Notifier } from '../notify/index.ts';
import { repairLockedEmail } from '../notify/repair-locked-email.ts';
import type { Outcome } from './outcomes.ts';
import { createRepairTries, LINK_TRIES, MAILBOX_TRIES, type SpentBy } from './repair-tries.ts';
import type { LinkFound, ShareLinks } from './share-links.ts';

export type PasswordField = 'password' | 'smtpPassword' | 'imapPassword';

/** The password fields of a POSTed form; anything else in it is ignored (only the password can change here). */
export type RepairForm = Partial<Record<PasswordField, string>>;

/** The longest password taken: mail servers take far shorter ones. */
export const MAX_PASSWORD = 1024;

/** What the repair page shows: the mailbox and the workspace, nothing of its settings or people. */
export interface RepairPageView {
  repair: true;
  email: string;
  workspace: string;
  /** One password per side: SMTP and IMAP sign in as different users. */
  perSide: boolean;
  /** Connected right now (a link made before anything broke): the page does not say it is broken. */
  connected: boolean;
  /** The link takes no more tries: its own allowance, or the mailbox's for the day, is used up. */
  spent: SpentBy | null;
}

/** A refused or unusable form: the page again, saying why next to the field at fault. */
export interface RepairRefusal {
  kind: 'repair_form';
  status: 400 | 409 | 422 | 502;
  view: RepairPageView;
  problem: string;
  errors: Partial<Record<PasswordField, string>>;
}

/** The link died of wrong passwords just now; its owner was told. */
export interface RepairLocked {
  kind: 'repair_locked';
  view: RepairPageView;
}

export type RepairAnswer = RepairRefusal | RepairLocked | Outcome;

export interface RepairDeps {
  db: Db;
  accounts: Pick<Accounts, 'credentials' | 'planUpdate' | 'applyUpdate'>;
  links: ShareLinks;
  signIn: SignInTest;
  notifier: Pick<Notifier, 'add' | 'kick'>;
  logger: Logger;
  workspaceName: string;
  /** A mailbox was reconnected: its held emails go, its inbox catches up. */
  announceReconnected(accountId: string): void;
  metrics?: Pick<Metrics, 'shareLinkUsed'>;
}

type Part = 'smtp' | 'imap';
const PARTS: Part[] = ['smtp', 'imap'];
const SIDE: Record<Part, string> = { smtp: 'The server for sending email (SMTP)', imap: 'The server for receiving email (IMAP)' };
const FIELD_OF: Record<Part, PasswordField> = { smtp: 'smtpPassword', imap: 'imapPassword' };
/** Refusals where the server said the password is wrong. */
const WRONG_PASSWORD = new Set(['smtp_auth_failed', 'imap_auth_failed']);
/** Failures before any password reached a server: no guess was made, so the try does not count. */
const NO_CONTACT = new Set(['connection_refused', 'dns_failed', 'tls_failed', 'not_a_mail_server', 'host_not_allowed']);

/** The password fields of a parsed form body (`c.req.parseBody()`): strings only, nothing else kept. */
export function readRepairForm(body: Record<string, unknown>): RepairForm {
  const form: RepairForm = {};
  for (const key of ['password', 'smtpPassword', 'imapPassword'] as const) {
    if (typeof body[key] === 'string') form[key] = body[key];
  }
  return form;
}

/** The signs-in-as-different-users test: usernames compare without case, as mail servers do. */
const perSideOf = (account: AccountRow) => (account.smtp_username ?? '').toLowerCase() !== (account.imap_username ?? '').toLowerCase();

/** "4 tries left", for the end of a wrong-password sentence. */
const triesLeft = (n: number) => (n === 1 ? '1 more try' : `${n} more tries`);

/** One side's refusal in words a mailbox holder reads. */
function sideWords(part: Part, reason: Reason): string {
  if (WRONG_PASSWORD.has(reason.code)) return `${SIDE[part]} did not accept this password.`;
  if (NO_CONTACT.has(reason.code)) return `${SIDE[part]} could not be reached just now: ${reason.message}`;
  return `${SIDE[part]} refused the sign-in: ${reason.message}`;
}

/** Rolls the saving transaction back: the link died meanwhile, or the settings changed. */
class Abort extends Error {
  constructor(readonly why: 'link_gone' | 'changed') {
    super(why);
  }
}

export function createRepair(deps: RepairDeps) {
  const { db, accounts, links, notifier, logger } = deps;
  const tries = createRepairTries(db);

  async function view(found: LinkFound, spent?: SpentBy | null): Promise<RepairPageView> {
    const { account } = found;
    return { repair: true, email: account.email, workspace: deps.workspaceName, perSide: perSideOf(account), connected: account.state === 'connected', spent: spent === undefined ? await tries.spent(found.link) : spent };
  }

  const refusal = (v: RepairPageView, status: RepairRefusal['status'], problem: string, errors: RepairRefusal['errors'] = {}): RepairRefusal => ({ kind: 'repair_form', status, view: v, problem, errors });

  /** The form's passwords for each side, or why they cannot be tried. */
  function passwordsOf(v: RepairPageView, form: RepairForm): Record<Part, string> | RepairRefusal {
    const given = { smtp: form.smtpPassword ?? form.password, imap: form.imapPassword ?? form.password };
    const fieldOf = (part: Part): PasswordField => (v.perSide ? FIELD_OF[part] : 'password');
    const errors: RepairRefusal['errors'] = {};
    let status: 400 | 422 = 422;
    for (const part of PARTS) {
      const value = given[part];
      const label = v.perSide ? (part === 'smtp' ? 'the password for sending' : 'the password for receiving') : 'the password';
      if (value === undefined) {
        status = 400;
        errors[fieldOf(part)] = `The form arrived without ${label}. Type it and press the button again.`;
      } else if (value === '') {
        errors[fieldOf(part)] = `Enter ${label}.`;
      } else if (value.length > MAX_PASSWORD) {
        errors[fieldOf(part)] = `That is longer than any password a mail server takes (at most ${MAX_PASSWORD} characters).`;
      }
    }
    if (Object.keys(errors).length) return refusal(v, status, 'Nothing was tried or changed: ' + [...new Set(Object.values(errors))].join(' '), errors);
    return given as Record<Part, string>;
  }

  /** Kills the link (past its allowance) and tells the mailbox's owner, once. */
  async function lock(found: LinkFound, spentBy: SpentBy): Promise<RepairLocked> {
    const now = new Date();
    const owner = await findUser(db, found.account.owner_id);
    const told = await db.transaction().execute(async (trx) => {
      if (!(await tries.revokeLink(trx, found.link.id, now))) return false;
      if (!owner) return false;
      const mail = repairLockedEmail({ email: found.account.email, spentBy, tries: spentBy === 'link' ? LINK_TRIES : MAILBOX_TRIES, createdBy: found.creatorEmail, at: now.toISOString(), workspace: deps.workspaceName });
      await notifier.add(trx, [{ kind: 'alert', to: owner.email, subject: mail.subject, text: mail.text, accountId: found.account.id }]);
      return true;
    });
    logger.warn('share_link.repair_locked', { account: found.account.id, link: found.link.id, spentBy, told });
    if (told) void notifier.kick();
    return { kind: 'repair_locked', view: await view(found, spentBy) };
  }

  /** Saves the passwords that passed, uses the link up and reconnects the mailbox, all or nothing. */
  async function save(found: LinkFound, passwords: Record<Part, string>, tryId: string): Promise<'saved' | 'link_gone' | 'changed'> {
    const { account, link } = found;
    const owner = { id: account.owner_id, role: 'member' as const };
    const plan = await accounts.planUpdate(owner, account, { smtp: { password: passwords.smtp }, imap: { password: passwords.imap } });
    const by = found.creatorEmail ? `a repair link created by ${found.creatorEmail}` : 'a repair link from an alert';
    try {
      await db.transaction().execute(async (trx) => {
        if (!(await links.consume(trx, link.id))) throw new Abort('link_gone');
        // Its other links have done their job too.
        await links.revoke(account.id, trx);
        await tries.forget(tryId, trx);
        const t = await accounts.applyUpdate(trx, account, plan, { kind: 'regranted', providerLabel: 'a new password', by, alsoTell: found.creatorEmail }, { expect: { updatedAt: account.updated_at } });
        // Someone changed the settings while the password was tried: what passed is not what is saved.
        if (!t.after) throw new Abort('changed');
      });
    } catch (error) {
      if (error instanceof Abort) return error.why;
      throw error;
    }
    return 'saved';
  }

  return {
    view: (found: LinkFound) => view(found),

    /** `POST /r/:token` of a custom mailbox's link: tries the password, and saves it only when both sign-ins pass. */
    async submit(found: LinkFound, form: RepairForm): Promise<RepairAnswer> {
      const { account, link } = found;
      const v = await view(found);
      // The page said the link takes no more: whatever was sent, this is the try that kills it.
      if (v.spent) {
        await tries.settle((await tries.reserve(link)).id, 'refused');
        return lock(found, v.spent);
      }
      const passwords = passwordsOf(v, form);
      if ('kind' in passwords) return passwords;
      const reserved = await tries.reserve(link);
      if (reserved.over) {
        await tries.settle(reserved.id, 'refused');
        return lock(found, reserved.over);
      }
      const settings = accounts.credentials(account);
      const reasons = await Promise.all(
        PARTS.map(async (part) => {
          const saved = settings[part];
          if (!saved) return { code: 'not_configured', message: 'This mailbox has no settings for this side.', hint: '' };
          return deps.signIn(part, { ...saved, password: passwords[part] });
        }),
      );
      const failed = PARTS.flatMap((part, i) => (reasons[i] ? [{ part, reason: reasons[i] }] : []));
      if (failed.length === 0) {
        // Both servers took the password: whatever happens now, it was no wrong guess.
        const saved = await save(found, passwords, reserved.id).catch(async (error: unknown) => {
          await tries.forget(reserved.id).catch(() => {});
          throw error;
        });
        if (saved === 'link_gone') {
          // Used or revoked by another request while this one tried the password.
          await tries.forget(reserved.id);
          const now = await db.selectFrom('share_links').select(['used_at', 'revoked_at']).where('id', '=', link.id).executeTakeFirst();
          const why = now?.used_at ? 'used' : now?.revoked_at ? 'revoked' : now ? 'expired' : 'unknown';
          return { kind: 'link_invalid', why, creatorEmail: found.creatorEmail, ...(why === 'used' ? { connectedEmail: account.email } : {}) };
        }
        if (saved === 'changed') {
          await tries.forget(reserved.id);
          return refusal(v, 409, 'The mailbox\'s settings were changed by someone else while this password was tried, so nothing was saved. Please try again.');
        }
        logger.info('reauth.repaired', { account: account.id, link: link.id });
        deps.metrics?.shareLinkUsed();
        void notifier.kick();
        deps.announceReconnected(account.id);
        return { kind: 'reconnected', email: account.email, provider: 'a new password' };
      }

      const guessed = failed.some((f) => !NO_CONTACT.has(f.reason.code));
      if (guessed) await tries.settle(reserved.id, 'wrong');
      else await tries.forget(reserved.id);
      logger.info('reauth.repair_refused', { account: account.id, link: link.id, codes: failed.map((f) => `${f.part}:${f.reason.code}`), counted: guessed });
      const sentences = failed.map((f) => sideWords(f.part, f.reason));
      const errors: RepairRefusal['errors'] = {};
      for (const f of failed) {
        const field: PasswordField = v.perSide ? FIELD_OF[f.part] : 'password';
        errors[field] = [errors[field], sideWords(f.part, f.reason)].filter(Boolean).join(' ');
      }
      if (!guessed) return refusal(v, 502, `${sentences.join(' ')} Nothing was changed, and this did not count as a wrong password: try again in a few minutes.`, errors);
      const spent = reserved.left === 0 ? await tries.spent(link) : null;
      const tail = spent ? 'This link takes no more passwords.' : `This link takes ${triesLeft(reserved.left)}.`;
      return refusal({ ...v, spent }, 422, `${sentences.join(' ')} Nothing was changed. ${tail}`, errors);
    },
  };
}

export type Repair = ReturnType<typeof createRepair>;
