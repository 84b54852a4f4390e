import nodemailer from 'nodemailer';
import type { CheckContext } from '../types.ts';
import { closingOnAbort, type MailLogin, type MailServer } from './server.ts';

/** nodemailer transport options; no logging, so no secret leaks. An access token goes as XOAUTH2. */
export function smtpTransportOptions(server: MailServer, login: MailLogin, timeoutMs: number) {
  return {
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    // Only an access token: nodemailer's own refresh would turn network trouble into EAUTH.
    auth: 'accessToken' in login ? { type: 'OAuth2' as const, user: login.user, accessToken: login.accessToken } : login,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
}

/** Logs in to the SMTP server (EHLO, STARTTLS when asked, AUTH) and quits; sends nothing. */
export async function verifySmtpLogin(server: MailServer, login: MailLogin, ctx: CheckContext): Promise<void> {
  const transport = nodemailer.createTransport(smtpTransportOptions(server, login, ctx.timeoutMs));
  await closingOnAbort(ctx.signal, () => transport.close(), () => transport.verify());
}
