import { verifyImapLogin } from '../mail/imap.ts';
import type { CheckContext, ServerSettings } from '../types.ts';

/** Logs in with the saved IMAP settings and logs out again. */
export function verifyImap(s: ServerSettings, ctx: CheckContext): Promise<void> {
  return verifyImapLogin(s, { user: s.username, pass: s.password }, ctx);
}
