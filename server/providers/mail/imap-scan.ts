/**
 * Reads an IMAP inbox's new mail since a bookmark of UIDVALIDITY and the last UID seen. When
 * the server's UIDVALIDITY changed (the mailbox was rebuilt, UIDs renumbered), the bookmark
 * means nothing any more: everything since the given date is read again, and the caller's
 * record-once rule keeps mail seen before from counting twice.
 *
 * @example const next = await scanImap(server, { user, pass }, request, ctx);
 */
import { failingAs } from '../failure.ts';
import type { MailPosition, ScanRequest } from '../types.ts';
import { imapClient } from './imap.ts';
import type { MailContext, MailLogin, MailServer } from './server.ts';

/** Messages fetched per round trip: bounds memory on a long catch-up. */
const BATCH = 50;
/**
 * Bytes read of each message. Replies and bounces are told by their headers and the delivery
 * report that comes first; attachments are not needed, so a batch stays under ~25 MB.
 */
export const MAX_MAIL_BYTES = 512 * 1024;

export async function scanImap(server: MailServer, login: MailLogin, request: ScanRequest, ctx: MailContext, oauth = false): Promise<MailPosition> {
  const { client, connect } = await failingAs('imap', () => imapClient(server, login, ctx), oauth);
  const close = () => client.close();
  ctx.signal.addEventListener('abort', close, { once: true });
  try {
    await failingAs('imap', connect, oauth);
    return await failingAs('imap', async () => {
      const box = await client.mailboxOpen('INBOX', { readOnly: true });
      const uidValidity = String(box.uidValidity);
      const known = request.position?.uidValidity === uidValidity ? Number(request.position.lastUid) : null;
      const highest = box.uidNext - 1;
      if (known !== null && highest <= known) return { uidValidity, lastUid: known };
      const found = known === null ? await client.search({ since: request.since }, { uid: true }) : await client.search({ uid: `${known + 1}:*` }, { uid: true });
      // "n:*" also answers the last message when n is past it: keep only UIDs really after the bookmark.
      const uids = (found || []).filter((uid) => known === null || uid > known).sort((a, b) => a - b);
      // Progress names only mail really read; the end of the scan vouches for all up to `highest`.
      let last = known ?? 0;
      for (let i = 0; i < uids.length; i += BATCH) {
        const batch: Array<{ uid: number; source: Buffer }> = [];
        for await (const message of client.fetch(uids.slice(i, i + BATCH).join(','), { uid: true, source: { maxLength: MAX_MAIL_BYTES } }, { uid: true })) {
          if (message.source) batch.push({ uid: message.uid, source: message.source });
        }
        for (const { uid, source } of batch.sort((a, b) => a.uid - b.uid)) {
          await request.onMail(source);
          last = Math.max(last, uid);
        }
        if (i + BATCH < uids.length) await request.onProgress?.({ uidValidity, lastUid: last });
      }
      return { uidValidity, lastUid: Math.max(last, highest) };
    }, oauth);
  } finally {
    ctx.signal.removeEventListener('abort', close);
    await client.logout().catch(() => client.close());
  }
}
