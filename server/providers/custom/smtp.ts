import { verifySmtpLogin } from '../mail/smtp.ts';
import type { MailContext } from '../mail/server.ts';
import type { ServerSettings } from '../types.ts';

/** Logs in with the saved SMTP settings and quits; sends nothing. */
export function verifySmtp(s: ServerSettings, ctx: MailContext): Promise<void> {
  return verifySmtpLogin(s, { user: s.username, pass: s.password }, ctx);
}
