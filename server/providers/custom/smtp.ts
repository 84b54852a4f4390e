import nodemailer from 'nodemailer';
import type { CheckContext, ServerSettings } from '../types.ts';

/** nodemailer transport options for saved SMTP settings; no logging, so no secret leaks. */
export function smtpTransportOptions(s: ServerSettings, timeoutMs: number) {
  return {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: { user: s.username, pass: s.password },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
}

/** Logs in to the SMTP server (EHLO, STARTTLS when asked, AUTH) and quits; sends nothing. */
export async function verifySmtp(settings: ServerSettings, ctx: CheckContext): Promise<void> {
  const transport = nodemailer.createTransport(smtpTransportOptions(settings, ctx.timeoutMs));
  const abort = () => transport.close();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.verify();
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    transport.close();
  }
}
