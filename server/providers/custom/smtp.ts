import { verifySmtpLogin } from '../mail/smtp.ts';
import type { CheckContext, ServerSettings } from '../types.ts';

/** Logs in with the saved SMTP settings and quits; sends nothing. */
export function verifySmtp(s: ServerSettings, ctx: CheckContext): Promise<void> {
  return verifySmtpLogin(s, { user: s.username, pass: s.password }, ctx);
}
