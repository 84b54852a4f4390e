import nodemailer from 'nodemailer';
import { failingAs } from '../failure.ts';
import type { SendSession } from '../types.ts';
import { smtpFailureShown } from './not-a-mail-server.ts';
import { closingOnAbort, destinationOf, type Destination, type MailContext, type MailLogin, type MailServer } from './server.ts';

/**
 * nodemailer transport options for a connection to `to` (the checked address; TLS verifies
 * the host name); no logging, so no secret leaks. An access token goes as XOAUTH2.
 */
export function smtpTransportOptions(server: MailServer, to: Destination, login: MailLogin, timeoutMs: number) {
  return {
    host: to.address,
    ...(to.servername ? { servername: to.servername } : {}),
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
export async function verifySmtpLogin(server: MailServer, login: MailLogin, ctx: MailContext): Promise<void> {
  const transport = nodemailer.createTransport(smtpTransportOptions(server, await destinationOf(server, ctx), login, ctx.timeoutMs));
  await closingOnAbort(ctx.signal, () => transport.close(), () => transport.verify().catch((error) => Promise.reject(smtpFailureShown(error, server))));
}

/**
 * Opens one SMTP connection for a run of emails (signing in with the first). Each email goes
 * with its own envelope and its MIME message as built, so its Message-ID is the one queued.
 *
 * @example const session = await openSmtpSender(server, { user, pass }, ctx); await session.send(mail);
 */
export async function openSmtpSender(server: MailServer, login: MailLogin, ctx: MailContext, oauth = false): Promise<SendSession> {
  const to = await failingAs('smtp', () => destinationOf(server, ctx), oauth);
  const transport = nodemailer.createTransport({ ...smtpTransportOptions(server, to, login, ctx.timeoutMs), pool: true, maxConnections: 1, maxMessages: Infinity });
  // An aborted send (its deadline, a shutdown) drops the connection instead of waiting on it.
  const close = () => transport.close();
  ctx.signal.addEventListener('abort', close, { once: true });
  return {
    async send(mail) {
      await failingAs('smtp', () => transport.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw }).catch((error) => Promise.reject(smtpFailureShown(error, server))), oauth);
    },
    close() {
      ctx.signal.removeEventListener('abort', close);
      close();
    },
  };
}
