/**
 * "Test Sending" and "Test Receiving" for a custom mailbox, now, with the saved settings, in
 * the classifier's words. Test Sending signs in to SMTP and sends a test email from the
 * mailbox to itself; Test Receiving signs in to IMAP, opens INBOX and, when a test email went
 * out in the last 30 minutes and has not been found yet, looks for it there.
 *
 * @example
 *   const tests = createLoginTests({ db, timeoutSeconds: 30, hosts });
 *   const result = await tests.sending(accounts.credentials(row));
 *   if (!result.ok) show(result.error.message);
 */
import { SIGN_IN_LABEL, type LoginTestFinding, type Reason } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';
import type { HostGuard } from '../net/index.ts';
import { DomainError } from '../errors.ts';
import { judgeSend } from '../outbox/judge.ts';
import { findInImapInbox } from '../providers/custom/imap.ts';
import { customProvider } from '../providers/custom/index.ts';
import { verifyImap } from '../providers/custom/imap.ts';
import { verifySmtp } from '../providers/custom/smtp.ts';
import { withDeadline } from '../providers/deadline.ts';
import { ProviderFailure } from '../providers/failure.ts';
import { settle } from '../providers/settle.ts';
import type { CheckContext, MailboxCredentials, ServerSettings } from '../providers/types.ts';
import type { Failure } from '../providers/errors.ts';
import { classify } from './classify.ts';
import { composeTestEmail, createTestEmails, notArrivedNotice, testEmailView } from './test-email.ts';

export type LoginPart = 'smtp' | 'imap';

const LABEL: Record<LoginPart, string> = { smtp: 'sending (SMTP)', imap: 'receiving (IMAP)' };

export interface LoginTestsDeps {
  db: Db;
  /** Each test's deadline, as a check's. */
  timeoutSeconds: number;
  /** How long Test Receiving keeps looking for a test email not in INBOX yet: 10 s, at most half the deadline. */
  arrivalWaitMs?: number;
  /** The guard every mail connection goes through (ALLOW_PRIVATE_HOSTS). */
  hosts: HostGuard;
}

/** The mailbox's settings for one part; only custom mailboxes have a password to test. */
function settingsOf(mailbox: MailboxCredentials, part: LoginPart): ServerSettings {
  if (mailbox.provider !== 'custom') {
    throw new DomainError('wrong_provider', `${mailbox.email} signs in with ${SIGN_IN_LABEL[mailbox.provider]}: re-grant it instead of testing a password.`);
  }
  const settings = mailbox[part];
  if (!settings) throw new DomainError('invalid_input', `${mailbox.email} has no ${LABEL[part]} settings to test.`);
  return settings;
}

const reasonOf = ({ code, message, hint }: Reason): Reason => ({ code, message, hint });

/** A refused test email in words: its recipient or content refused (the outbox's judgement), else the classifier's reason. */
function sendReason(failure: Failure): Reason {
  const judged = judgeSend(failure);
  if (judged.kind !== 'rejected') return reasonOf(judged.classification);
  return { code: judged.code, message: judged.message, hint: 'The sign-in worked, but the server would not take an email to the mailbox\'s own address: ask the mail provider why.' };
}

export function createLoginTests({ db, timeoutSeconds, arrivalWaitMs = 10_000, hosts }: LoginTestsDeps) {
  const testEmails = createTestEmails(db);
  const custom = customProvider(hosts);
  const waitMs = Math.min(arrivalWaitMs, timeoutSeconds * 500);

  /** Runs one part under the test's deadline: its failure as the classifier reads it, or null. */
  async function underDeadline(part: LoginPart, step: (ctx: CheckContext) => Promise<unknown>): Promise<Failure | null> {
    const controller = new AbortController();
    const ctx = { signal: controller.signal, timeoutMs: timeoutSeconds * 1000 };
    const failure = await withDeadline(ctx.timeoutMs, controller, () => settle(part, step(ctx), controller.signal));
    return failure?.error instanceof ProviderFailure ? failure.error.failure : failure;
  }

  return {
    /**
     * Signs in to one side with settings that need not be saved yet (a change is saved only
     * when this passes): null when the login works, else the reason in the classifier's words.
     */
    async signIn(part: LoginPart, settings: ServerSettings): Promise<Reason | null> {
      const failure = await underDeadline(part, (ctx) => (part === 'smtp' ? verifySmtp(settings, { ...ctx, hosts }) : verifyImap(settings, { ...ctx, hosts })));
      return failure ? reasonOf(classify(failure)) : null;
    },

    /** Signs in to SMTP and sends the test email; `testEmail` is the one the server accepted. */
    async sending(mailbox: MailboxCredentials): Promise<LoginTestFinding> {
      settingsOf(mailbox, 'smtp');
      const { messageId, raw } = await composeTestEmail(mailbox.email);
      const failure = await underDeadline('smtp', async (ctx) => {
        const session = await custom.openSender(mailbox, ctx);
        try {
          await session.send({ from: mailbox.email, to: mailbox.email, raw });
        } finally {
          session.close();
        }
      });
      if (failure) return { ok: false, error: sendReason(failure) };
      return { ok: true, testEmail: testEmailView(await testEmails.sent(mailbox.id, messageId, new Date())) };
    },

    /** Signs in to IMAP and opens INBOX; `ok` is about that. A recent test email is looked for, and a missing one named in `notice`. */
    async receiving(mailbox: MailboxCredentials): Promise<LoginTestFinding> {
      const imap = settingsOf(mailbox, 'imap');
      const recent = await testEmails.recent(mailbox.id, new Date());
      const messageId = recent && recent.arrived_at === null ? recent.message_id : null;
      let opened = false;
      let found = false;
      const failure = await underDeadline('imap', async (ctx) => {
        found = await findInImapInbox(imap, { messageId, waitMs, onOpened: () => (opened = true) }, { ...ctx, hosts });
      });
      // Trouble after INBOX opened (the deadline while looking) is not about the login.
      if (failure && !opened) return { ok: false, error: reasonOf(classify(failure)) };
      if (!recent) return { ok: true };
      const row = found ? await testEmails.arrived(recent, new Date()) : recent;
      return { ok: true, testEmail: testEmailView(row), ...(row.arrived_at === null ? { notice: notArrivedNotice(row.sent_at) } : {}) };
    },
  };
}

export type LoginTests = ReturnType<typeof createLoginTests>;
