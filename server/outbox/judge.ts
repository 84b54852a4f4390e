/**
 * What a failed send means for the email and its mailbox: the login is gone (the mailbox
 * needs re-authentication and the email waits), the email itself was refused for good (a
 * recipient that does not exist: it fails with the reason), or passing trouble (retry later).
 *
 * @example judgeSend({ source: 'smtp', error }) // { kind: 'rejected', code: 'recipient_rejected', … }
 */
import { classify, type Classification, type Failure } from '../health/classify.ts';
import { factsOf } from '../health/facts.ts';

export type SendJudgement =
  | { kind: 'login_lost'; classification: Classification }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'retry'; classification: Classification };

/** Replies about signing in, not about the email: they go to the classifier. */
const AUTH_REPLIES = new Set([530, 534, 535]);
/** Sending limits reached: the email is fine, the mailbox must wait. */
const LIMITS = /\b5\.4\.5\b|quota|limit exceeded|rate limit|too many/i;

export function judgeSend(failure: Failure): SendJudgement {
  const facts = factsOf(failure.error);
  if (failure.source === 'smtp' && facts.code !== 'EAUTH' && facts.responseCode !== null && facts.responseCode >= 500 && !AUTH_REPLIES.has(facts.responseCode) && !LIMITS.test(facts.text)) {
    const recipient = facts.code === 'EENVELOPE';
    return {
      kind: 'rejected',
      code: recipient ? 'recipient_rejected' : 'message_rejected',
      message: `${recipient ? 'The receiving server refused the recipient' : 'The mail server refused the email'}: ${facts.text}`.slice(0, 500),
    };
  }
  // Gmail answers 400 for an email it will never send (an address it cannot parse).
  if (failure.source === 'gmail_api' && facts.status === 400) {
    return { kind: 'rejected', code: 'message_rejected', message: `Gmail refused the email: ${facts.text}`.slice(0, 500) };
  }
  const classification = classify(failure);
  return classification.verdict === 'transient' ? { kind: 'retry', classification } : { kind: 'login_lost', classification };
}

/** Back-off between attempts after passing trouble: 30 s, 2 min, 10 min, 30 min, then hourly. */
export function retryDelayMs(attempts: number): number {
  return [30_000, 120_000, 600_000, 1_800_000][attempts - 1] ?? 3_600_000;
}
