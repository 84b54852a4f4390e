import { findInInbox, type InboxLookup } from '../mail/imap-find.ts';
import { verifyImapLogin } from '../mail/imap.ts';
import type { MailContext } from '../mail/server.ts';
import type { ServerSettings } from '../types.ts';

/** Logs in with the saved IMAP settings and logs out again. */
export function verifyImap(s: ServerSettings, ctx: MailContext): Promise<void> {
  return verifyImapLogin(s, { user: s.username, pass: s.password }, ctx);
}

/** Logs in with the saved IMAP settings, opens INBOX and looks for one message in it. */
export function findInImapInbox(s: ServerSettings, lookup: InboxLookup, ctx: MailContext): Promise<boolean> {
  return findInInbox(s, { user: s.username, pass: s.password }, lookup, ctx);
}
