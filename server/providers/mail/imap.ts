import { ImapFlow } from 'imapflow';
import { watchImapGreeting } from './not-a-mail-server.ts';
import { closingOnAbort, destinationOf, type Destination, type MailContext, type MailLogin, type MailServer } from './server.ts';

/** imapflow options for a connection to `to` (the checked address; TLS verifies the host name); logging off, so no secret leaks. */
export function imapClientOptions(server: MailServer, to: Destination, login: MailLogin, timeoutMs: number) {
  return {
    host: to.address,
    ...(to.servername ? { servername: to.servername } : {}),
    port: server.port,
    secure: server.security === 'tls',
    doSTARTTLS: server.security === 'starttls' ? true : server.security === 'none' ? false : undefined,
    auth: login,
    logger: false as const,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableAutoIdle: true,
  };
}

/**
 * An imapflow client bound for the server's checked address. Its `connect()` reports a peer
 * that does not greet in IMAP as "not a mail server", quoting nothing it said.
 *
 * @example const { client, connect } = await imapClient(server, { user, pass }, ctx); await connect();
 */
export async function imapClient(server: MailServer, login: MailLogin, ctx: MailContext, options: { verifyOnly?: boolean } = {}) {
  const greeting = watchImapGreeting();
  const client = new ImapFlow({ ...imapClientOptions(server, await destinationOf(server, ctx), login, ctx.timeoutMs), ...options, logger: greeting.logger });
  client.on('error', () => {}); // failures surface through the awaited calls; a late socket error must not crash the process
  return { client, connect: () => client.connect().catch((error) => Promise.reject(greeting.failureShown(error, server))) };
}

/** Logs in to the IMAP server and logs out again (verifyOnly); opens no mailbox. */
export async function verifyImapLogin(server: MailServer, login: MailLogin, ctx: MailContext): Promise<void> {
  const { client, connect } = await imapClient(server, login, ctx, { verifyOnly: true });
  await closingOnAbort(ctx.signal, () => client.close(), connect);
}
