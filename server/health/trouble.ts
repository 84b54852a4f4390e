/**
 * Trouble in words: what a check that failed without changing the mailbox's state found, for
 * the person who pressed "Check now" and for the history. Every failure is named (SMTP and
 * IMAP both), with where it happened, what the mailbox still counts as, and when Regrant
 * looks again.
 *
 * @example
 *   troubleMessage([{ code: 'connection_refused', place: 'the SMTP server smtp.example.com', … }], 'connected', 30_000)
 *   // 'Could not reach the SMTP server smtp.example.com just now (connection refused); still counted as connected; next try in 30 s.'
 */
import type { AccountState } from '../../shared/api.ts';
import type { Failure } from '../providers/errors.ts';
import type { MailboxCredentials } from '../providers/types.ts';
import type { Classification } from './classify.ts';

/** Failures that mean the server could not be reached at all, in a few words. */
const UNREACHED: Record<string, string> = {
  connection_refused: 'connection refused',
  timeout: 'no answer in time',
  dns_failed: 'its name did not resolve',
  tls_failed: 'the secure connection failed',
  network_error: 'the connection broke off',
};

const STILL: Record<AccountState, string> = {
  connected: 'still counted as connected',
  new: 'not counted as unreachable yet',
  unreachable: 'still unreachable',
  needs_reauth: 'still needs re-authentication',
};

/** Where a failure happened, in the words a person knows the server by. */
export function placeOf(source: Failure['source'], mailbox: Pick<MailboxCredentials, 'provider' | 'smtp' | 'imap'>): string {
  switch (source) {
    // Sending and receiving often share one host name: the protocol tells them apart.
    case 'smtp':
      return mailbox.smtp ? `the SMTP server ${mailbox.smtp.host}` : mailbox.provider === 'microsoft' ? 'Outlook\'s SMTP server' : 'the SMTP server';
    case 'imap':
      return mailbox.imap ? `the IMAP server ${mailbox.imap.host}` : mailbox.provider === 'microsoft' ? 'Outlook\'s IMAP server' : 'the IMAP server';
    case 'google_token':
      return 'Google\'s sign-in service';
    case 'gmail_api':
      return 'the Gmail API';
    case 'microsoft_token':
      return 'Microsoft\'s sign-in service';
    default:
      return 'the mail server';
  }
}

/** "30 s", "2 min", "1 h": how long until the next try. */
export function delayText(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 90 ? `${min} min` : `${Math.round(min / 60)} h`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');

/** `nextInMs` null: no automatic retry. */
export function troubleMessage(failures: readonly Pick<Classification, 'code' | 'message' | 'place'>[], state: AccountState, nextInMs: number | null): string {
  const why = (f: Pick<Classification, 'code' | 'message'>) => `(${UNREACHED[f.code] ?? lowerFirst(f.message)})`;
  const place = (f: Pick<Classification, 'place'>) => f.place ?? 'the mail server';
  /** "a.test just now (why)", or "a.test (why) or b.test (why) just now". */
  const list = (group: typeof failures, joiner: string) =>
    group.length === 1 ? `${place(group[0])} just now ${why(group[0])}` : `${group.map((f) => `${place(f)} ${why(f)}`).join(joiner)} just now`;
  const unreached = failures.filter((f) => UNREACHED[f.code]);
  const other = failures.filter((f) => !UNREACHED[f.code]);
  const said = [...(unreached.length ? [`could not reach ${list(unreached, ' or ')}`] : []), ...(other.length ? [`trouble with ${list(other, ' and ')}`] : [])];
  const next = nextInMs === null ? 'no automatic retry' : `next try in ${delayText(nextInMs)}`;
  const text = [...said, STILL[state], next].join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
