/**
 * What a failed send means for the email and its mailbox: the mailbox cannot send (the login
 * is gone, or a policy refuses the sender: it is recorded on the account and the email waits),
 * the email itself was refused for good (a recipient that does not exist: it fails with the
 * reason), or passing trouble (retry later). Only a refusal of this one email's recipient or
 * content fails it: a refusal at the greeting, EHLO or MAIL FROM is about the mailbox, and
 * failing the email for it would fail the whole backlog.
 *
 * @example judgeSend({ source: 'smtp', error }) // { kind: 'rejected', code: 'recipient_rejected', … }
 */
import { classify, type Classification } from '../health/classify.ts';
import type { Failure } from '../providers/errors.ts';
import { factsOf } from '../health/facts.ts';

export type SendJudgement =
  | { kind: 'login_lost'; classification: Classification }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'retry'; classification: Classification };

/** Replies about signing in, not about the email: they go to the classifier. */
const AUTH_REPLIES = new Set([530, 534, 535]);
/** Sending limits reached: the email is fine, the mailbox must wait. */
const LIMITS = /\b5\.4\.5\b|quota|limit exceeded|rate limit|too many/i;
/** The SMTP steps that are about one email (nodemailer names the step in `command`). */
const EMAIL_STEPS = new Set(['RCPT TO', 'DATA']);

const rejected = (code: string, message: string): SendJudgement => ({ kind: 'rejected', code, message: message.slice(0, 500) });

export function judgeSend(failure: Failure): SendJudgement {
  const facts = factsOf(failure.error);
  const command = String((failure.error as { command?: unknown } | null)?.command ?? '').toUpperCase();
  if (failure.source === 'smtp' && facts.code !== 'EAUTH' && facts.responseCode !== null && facts.responseCode >= 500 && EMAIL_STEPS.has(command) && !AUTH_REPLIES.has(facts.responseCode) && !LIMITS.test(facts.text)) {
    return command === 'RCPT TO' ? rejected('recipient_rejected', `The receiving server refused the recipient: ${facts.text}`) : rejected('message_rejected', `The mail server refused the email: ${facts.text}`);
  }
  // nodemailer refuses, before sending, an email larger than the server's SIZE.
  if (failure.source === 'smtp' && facts.code === 'EMESSAGE' && command === 'MAIL FROM' && facts.responseCode === null) {
    return rejected('message_rejected', `The mail server would not take the email: ${facts.text}`);
  }
  // Gmail answers 400 for an email it will never send (an address it cannot parse); a failed
  // precondition is about the mailbox (its state or settings), not the email.
  if (failure.source === 'gmail_api' && facts.status === 400 && !facts.apiReasons.includes('failedPrecondition') && facts.oauthError !== 'FAILED_PRECONDITION') {
    return rejected('message_rejected', `Gmail refused the email: ${facts.text}`);
  }
  // Everything else is about the mailbox: a policy refusal (5.7.x) the classifier knows is
  // recorded on the account; anything it does not know is waited out.
  const classification = classify(failure);
  return classification.verdict === 'transient' ? { kind: 'retry', classification } : { kind: 'login_lost', classification };
}
