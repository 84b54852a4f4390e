import { findInInbox, type InboxLookup } from '../mail/imap-find.ts';
import { verifyImapLogin } from '../mail/imap.ts';
import type { CheckContext, ServerSettings } from '../types.ts';

/** Logs in with the saved IMAP settings and logs out again. */
export function verifyImap(s: ServerSettings, ctx: CheckContext): Promise<void> {
  return verifyImapLogin(s, { user: s.username, pass: s.password }, ctx);
}

/** Logs in with the saved IMAP settings, opens INBOX and looks for one message in it. */
export function findInImapInbox(s: ServerSettings, lookup: InboxLookup, ctx: CheckContext): Promise<boolean> {
  return findInInbox(s, { user: s.username, pass: s.password }, lookup, ctx);
}
