/**
 * "Test Sending" and "Test Receiving" for a custom mailbox: log in to the saved SMTP or IMAP
 * server once, now, and say what happened in the classifier's words.
 *
 * @example
 *   const result = await testLogin(accounts.credentials(row), 'smtp', 30);
 *   if (!result.ok) show(result.error.message);
 */
import type { LoginTestResult } from '../../shared/api.ts';
import { DomainError } from '../errors.ts';
import { verifyImap } from '../providers/custom/imap.ts';
import { verifySmtp } from '../providers/custom/smtp.ts';
import { withDeadline } from '../providers/deadline.ts';
import { settle } from '../providers/settle.ts';
import type { MailboxCredentials } from '../providers/types.ts';
import { classify } from './classify.ts';

export type LoginPart = 'smtp' | 'imap';

const LABEL: Record<LoginPart, string> = { smtp: 'sending (SMTP)', imap: 'receiving (IMAP)' };

export async function testLogin(mailbox: MailboxCredentials, part: LoginPart, timeoutSeconds: number): Promise<LoginTestResult> {
  if (mailbox.provider !== 'custom') {
    throw new DomainError('wrong_provider', `${mailbox.email} signs in with ${mailbox.provider === 'google' ? 'Google' : 'Microsoft'}: re-grant it instead of testing a password.`);
  }
  const settings = mailbox[part];
  if (!settings) throw new DomainError('invalid_input', `${mailbox.email} has no ${LABEL[part]} settings to test.`);
  const controller = new AbortController();
  const ctx = { signal: controller.signal, timeoutMs: timeoutSeconds * 1000 };
  const failure = await withDeadline(timeoutSeconds * 1000, controller, () =>
    settle(part, part === 'smtp' ? verifySmtp(settings, ctx) : verifyImap(settings, ctx), controller.signal),
  );
  if (!failure) return { ok: true };
  const { code, message, hint } = classify(failure);
  return { ok: false, error: { code, message, hint } };
}
