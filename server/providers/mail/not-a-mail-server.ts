/**
 * What answers on a host and port that is not a mail server (an SSH daemon, a web server, a
 * database) is never quoted back: the API and the event history would otherwise read out
 * banners of whatever a member pointed Regrant at. Only a mail server's own protocol reply
 * lines pass; anything else becomes a NotAMailServerError that quotes nothing.
 *
 * @example
 *   await transport.verify().catch((error) => { throw smtpFailureShown(error, server); });
 */
import type { MailServer } from './server.ts';

/** The peer answered, but not in SMTP or IMAP. */
export class NotAMailServerError extends Error {
  readonly code = 'NOT_A_MAIL_SERVER';
  constructor(protocol: 'SMTP' | 'IMAP', server: MailServer) {
    super(`${server.host} port ${server.port} answered, but not as an ${protocol} server`);
    this.name = 'NotAMailServerError';
  }
}

/** An SMTP reply line: a three-digit code, then a space, a dash or nothing (RFC 5321 4.2). */
const SMTP_REPLY = /^[2-5]\d\d(?:[ -]|$)/;

/**
 * nodemailer's error as it may be shown: as it is when what the server said (`response`) is
 * SMTP reply lines, a NotAMailServerError when it is anything else.
 */
export function smtpFailureShown(error: unknown, server: MailServer): unknown {
  const response = (error as { response?: unknown } | null)?.response;
  if (typeof response !== 'string' || response === '') return error;
  return response.split(/\r?\n/).every((line) => SMTP_REPLY.test(line)) ? error : new NotAMailServerError('SMTP', server);
}

/** An IMAP greeting (RFC 9051 7.1): untagged OK, PREAUTH or BYE. */
const IMAP_GREETING = /^\* (OK|PREAUTH|BYE)\b/i;

type LogEntry = { src?: unknown; msg?: unknown; err?: unknown } | null | undefined;

/**
 * Watches, through imapflow's logger, the first line the server sends and keeps one fact:
 * whether it was an IMAP greeting. Nothing is written anywhere, so no secret or banner leaks.
 *
 * @example
 *   const greeting = watchImapGreeting();
 *   const client = new ImapFlow({ ...options, logger: greeting.logger });
 *   await client.connect().catch((error) => { throw greeting.failureShown(error, server); });
 */
export function watchImapGreeting() {
  let first: 'imap' | 'other' | null = null;
  const see = (entry: LogEntry) => {
    if (first !== null || entry?.src !== 's') return;
    first = !entry.err && typeof entry.msg === 'string' && IMAP_GREETING.test(entry.msg) ? 'imap' : 'other';
  };
  const quiet = () => {};
  return {
    logger: { trace: quiet, debug: see, info: quiet, warn: quiet, error: see, fatal: quiet },
    /** imapflow's error as it may be shown: a peer whose first words were not IMAP is "not a mail server". */
    failureShown(error: unknown, server: MailServer): unknown {
      return first === 'other' ? new NotAMailServerError('IMAP', server) : error;
    },
  };
}
