import type { Security } from '../../../shared/api.ts';
import { isIpLiteral, type HostGuard } from '../../net/index.ts';
import type { CheckContext } from '../types.ts';

/**
 * Where a mail server is and how to reach it. `opportunistic` means STARTTLS when the server
 * offers it (Office 365 always does), plain on a test server that does not.
 */
export interface MailServer {
  host: string;
  port: number;
  security: Security | 'opportunistic';
}

/** A check's context, with the guard every mail connection goes through. */
export interface MailContext extends CheckContext {
  hosts: HostGuard;
}

/** Where a connection really goes: the checked address, and the name TLS presents and verifies. */
export interface Destination {
  address: string;
  /** The host name for SNI and the certificate check; absent when the host is an IP address. */
  servername?: string;
}

/**
 * Resolves the server's host once and judges every address it has (HostNotAllowedError for
 * an internal one): the connection then goes to the judged address, never to a second
 * lookup's answer, while TLS still checks the certificate against the host name.
 *
 * @example const to = await destinationOf({ host: 'smtp.acme.test', port: 587, security: 'starttls' }, ctx); // { address: '93.184.216.34', servername: 'smtp.acme.test' }
 */
export async function destinationOf(server: MailServer, ctx: MailContext): Promise<Destination> {
  const address = await ctx.hosts.addressFor(server.host, ctx.signal);
  ctx.signal.throwIfAborted(); // a connection opened now would outlive the check that wanted it
  return isIpLiteral(server.host) ? { address } : { address, servername: server.host };
}

/** A password login, or an OAuth access token for XOAUTH2 (never a refresh token). */
export type MailLogin = { user: string; pass: string } | { user: string; accessToken: string };

/**
 * Reads `imaps://host:993`, `smtp://host:587` and the like: the `s` scheme means TLS from
 * the first byte, the plain one STARTTLS when offered.
 *
 * @example mailServerFromUrl('imaps://outlook.office365.com:993') // { host, port: 993, security: 'tls' }
 */
export function mailServerFromUrl(url: string): MailServer {
  const u = new URL(url);
  const tls = u.protocol === 'imaps:' || u.protocol === 'smtps:';
  const fallbackPort = { 'imaps:': 993, 'imap:': 143, 'smtps:': 465, 'smtp:': 587 }[u.protocol] ?? 0;
  return { host: u.hostname, port: u.port ? Number(u.port) : fallbackPort, security: tls ? 'tls' : 'opportunistic' };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * An access token must never cross the network in the clear: a server that does not offer
 * STARTTLS (or an attacker who strips it from the greeting) gets no login. Only a server on
 * this machine, such as a test server, may be spoken to in plain text.
 *
 * @example forOAuthLogin(mailServerFromUrl('smtp://smtp.office365.com:587')).security // 'starttls'
 */
export function forOAuthLogin(server: MailServer): MailServer {
  if (server.security !== 'opportunistic' || LOOPBACK.test(server.host)) return server;
  return { ...server, security: 'starttls' };
}

/**
 * Runs a login, closing its connection when the check is aborted and always afterwards.
 *
 * @example await closingOnAbort(ctx.signal, () => client.close(), () => client.connect());
 */
export async function closingOnAbort(signal: AbortSignal, close: () => void, run: () => Promise<unknown>): Promise<void> {
  signal.addEventListener('abort', close, { once: true });
  try {
    await run();
  } finally {
    signal.removeEventListener('abort', close);
    close();
  }
}
