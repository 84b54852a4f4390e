import { ImapFlow } from 'imapflow';
import type { CheckContext } from '../types.ts';
import { closingOnAbort, type MailLogin, type MailServer } from './server.ts';

/** imapflow options; logging off, so no secret leaks. */
export function imapClientOptions(server: MailServer, login: MailLogin, timeoutMs: number) {
  return {
    host: server.host,
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

/** Logs in to the IMAP server and logs out again (verifyOnly); opens no mailbox. */
export async function verifyImapLogin(server: MailServer, login: MailLogin, ctx: CheckContext): Promise<void> {
  const client = new ImapFlow({ ...imapClientOptions(server, login, ctx.timeoutMs), verifyOnly: true });
  client.on('error', () => {}); // failures surface through connect(); a late socket error must not crash the process
  await closingOnAbort(ctx.signal, () => client.close(), () => client.connect());
}
