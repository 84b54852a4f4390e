/**
 * Opens an IMAP INBOX and looks for one message by its Message-ID header, again about once a
 * second while it is not there: Test Receiving's "did the test email arrive?".
 *
 * @example
 *   const found = await findInInbox(server, { user, pass }, { messageId: '<regrant-test.…@acme.test>', waitMs: 10_000 }, ctx);
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { imapClient } from './imap.ts';
import type { MailContext, MailLogin, MailServer } from './server.ts';

export interface InboxLookup {
  /** The Message-ID to look for, with its angle brackets; null only signs in and opens INBOX. */
  messageId: string | null;
  /** How long to keep looking after the first miss. */
  waitMs: number;
  intervalMs?: number;
  /** Told once INBOX is open: whatever fails after that is not about the login. */
  onOpened?: () => void;
}

/** Answers whether the message is in INBOX (false when there was none to look for); throws what the server refused. */
export async function findInInbox(server: MailServer, login: MailLogin, lookup: InboxLookup, ctx: MailContext): Promise<boolean> {
  const { client, connect } = await imapClient(server, login, ctx);
  const close = () => client.close();
  ctx.signal.addEventListener('abort', close, { once: true });
  try {
    await connect();
    // Read-only (EXAMINE): looking must not take the \Recent flag from the holder's mail client.
    await client.mailboxOpen('INBOX', { readOnly: true });
    lookup.onOpened?.();
    if (!lookup.messageId) return false;
    const interval = lookup.intervalMs ?? 1000;
    const until = Date.now() + lookup.waitMs;
    for (;;) {
      const found = await client.search({ header: { 'Message-ID': lookup.messageId } }, { uid: true });
      if (found && found.length > 0) return true;
      if (Date.now() + interval > until) return false;
      await sleep(interval, undefined, { signal: ctx.signal });
      await client.noop(); // the server tells about mail delivered meanwhile before the next SEARCH
    }
  } finally {
    ctx.signal.removeEventListener('abort', close);
    await client.logout().catch(() => client.close());
  }
}
