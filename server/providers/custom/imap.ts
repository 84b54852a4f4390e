import { ImapFlow } from 'imapflow';
import type { CheckContext, ServerSettings } from '../types.ts';

/** imapflow options for saved IMAP settings; logging off, so no secret leaks. */
export function imapClientOptions(s: ServerSettings, timeoutMs: number) {
  return {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    doSTARTTLS: s.security === 'starttls' ? true : s.security === 'none' ? false : undefined,
    auth: { user: s.username, pass: s.password },
    logger: false as const,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableAutoIdle: true,
  };
}

/** Logs in to the IMAP server and logs out again (verifyOnly); opens no mailbox. */
export async function verifyImap(settings: ServerSettings, ctx: CheckContext): Promise<void> {
  const client = new ImapFlow({ ...imapClientOptions(settings, ctx.timeoutMs), verifyOnly: true });
  client.on('error', () => {}); // failures surface through connect(); a late socket error must not crash the process
  const abort = () => client.close();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    client.close();
  }
}
