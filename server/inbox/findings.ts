/**
 * Replies and bounces recorded for a mailbox's sent emails. A mail is matched to the email it
 * answers (In-Reply-To / References) or reports on (the quoted original Message-ID), and
 * recorded once: the unique (account, mail Message-ID) pair makes a second sight of the same
 * mail, after a rescan or a changed UIDVALIDITY, a no-op.
 *
 * @example await recordMail(db, accountId, await readMail(raw));
 */
import type { BounceView, ReplyView } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { FindingKind } from '../db/schema.ts';
import type { IncomingMail } from './read-mail.ts';

/** Our email among `ids` (Message-IDs), if any: the first one named wins. */
async function ours(db: Db, accountId: string, ids: string[]): Promise<string | null> {
  if (ids.length === 0) return null;
  const rows = await db.selectFrom('outbox_messages').select(['id', 'message_id']).where('account_id', '=', accountId).where('message_id', 'in', ids.slice(0, 100)).execute();
  const byMessageId = new Map(rows.map((r) => [r.message_id, r.id]));
  return ids.map((id) => byMessageId.get(id)).find(Boolean) ?? null;
}

/** Records the mail if it answers or bounces one of the account's emails; answers what it was. */
export async function recordMail(db: Db, accountId: string, mail: IncomingMail): Promise<FindingKind | null> {
  const bounce = mail.bounce;
  // A delay report is not a bounce: the email may still arrive.
  if (bounce && bounce.action !== 'failed') return null;
  const about = await ours(db, accountId, bounce ? bounce.quotedIds : mail.answers);
  if (!about) return null;
  const kind: FindingKind = bounce ? 'bounce' : 'reply';
  const recipient = bounce ? (bounce.recipient ?? (await db.selectFrom('outbox_messages').select('to_address').where('id', '=', about).executeTakeFirstOrThrow()).to_address) : null;
  const result = await db
    .insertInto('inbox_findings')
    .values({
      id: newId(kind === 'bounce' ? 'bnc' : 'rpl'),
      account_id: accountId,
      outbox_message_id: about,
      kind,
      auto_reply: mail.autoReply ? 1 : 0,
      mail_id: mail.id,
      from_address: mail.from,
      subject: mail.subject?.slice(0, 500) ?? null,
      recipient,
      status: bounce?.status ?? null,
      action: bounce?.action ?? null,
      diagnostic: bounce?.diagnostic ?? null,
      received_at: mail.date.toISOString(),
      found_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(['account_id', 'mail_id']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n ? kind : null;
}

export async function listReplies(db: Db, accountId: string): Promise<ReplyView[]> {
  const rows = await db.selectFrom('inbox_findings').selectAll().where('account_id', '=', accountId).where('kind', '=', 'reply').orderBy('id', 'desc').limit(1000).execute();
  return rows.map((r) => ({ id: r.id, messageId: r.outbox_message_id, from: r.from_address, subject: r.subject, receivedAt: r.received_at, autoReply: r.auto_reply === 1 }));
}

export async function listBounces(db: Db, accountId: string): Promise<BounceView[]> {
  const rows = await db.selectFrom('inbox_findings').selectAll().where('account_id', '=', accountId).where('kind', '=', 'bounce').orderBy('id', 'desc').limit(1000).execute();
  return rows.map((r) => ({ id: r.id, messageId: r.outbox_message_id, recipient: r.recipient, status: r.status, action: r.action, diagnostic: r.diagnostic, receivedAt: r.received_at }));
}
