/**
 * The test email of Test Sending, and the record Test Receiving looks it up by: the last one
 * of each mailbox, in `test_emails`.
 *
 * @example
 *   const { messageId, raw } = await composeTestEmail('ops@acme.test');
 *   await createTestEmails(db).sent('acc_…', messageId, new Date());
 */
import type { TestEmailView } from '../../shared/api.ts';
import type { Db } from '../db/index.ts';
import type { TestEmailRow } from '../db/schema.ts';
import { composeMessage, newMessageId } from '../outbox/compose.ts';

export const TEST_EMAIL_SUBJECT = 'Regrant test email';
/** Test Receiving looks for a test email only this long after it was sent. */
export const TEST_EMAIL_RECENT_MS = 30 * 60_000;

/** From the mailbox to itself, marked `X-Regrant-Test: 1`, with a Message-ID of its own. */
export async function composeTestEmail(email: string): Promise<{ messageId: string; raw: Buffer }> {
  const messageId = newMessageId(email, 'regrant-test.');
  const text = [
    `This is a test email from Regrant. Test Sending sent it from ${email} to itself to check that the mailbox can send; Test Receiving looks for it in INBOX to check that mail arrives.`,
    '',
    'Nothing needs to be done: you can delete it.',
    '',
  ].join('\n');
  const raw = await composeMessage({ message_id: messageId, to_address: email, subject: TEST_EMAIL_SUBJECT, text_body: text, html_body: null }, { email, name: null }, { 'X-Regrant-Test': '1' });
  return { messageId, raw };
}

export function testEmailView(row: TestEmailRow): TestEmailView {
  return { messageId: row.message_id, sentAt: row.sent_at, arrivedAt: row.arrived_at };
}

/** The notice of a Test Receiving that signed in but did not find the test email. */
export function notArrivedNotice(sentAt: string): string {
  return `Signed in to IMAP, but the test email sent at ${sentAt.slice(11, 16)} UTC has not arrived in INBOX yet. It may still be on its way, or a filter moved it (look in Spam).`;
}

export function createTestEmails(db: Db) {
  return {
    /** Records a test email the SMTP server accepted, replacing the mailbox's previous one. */
    async sent(accountId: string, messageId: string, at: Date): Promise<TestEmailRow> {
      const row = { account_id: accountId, message_id: messageId, sent_at: at.toISOString(), arrived_at: null };
      await db
        .insertInto('test_emails')
        .values(row)
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ message_id: messageId, sent_at: row.sent_at, arrived_at: null }))
        .execute();
      return row;
    },
    /** The mailbox's test email if it was sent within the last 30 minutes. */
    async recent(accountId: string, now: Date): Promise<TestEmailRow | null> {
      const since = new Date(now.getTime() - TEST_EMAIL_RECENT_MS).toISOString();
      return (await db.selectFrom('test_emails').selectAll().where('account_id', '=', accountId).where('sent_at', '>=', since).executeTakeFirst()) ?? null;
    },
    /** Test Receiving found it in INBOX. */
    async arrived(row: TestEmailRow, at: Date): Promise<TestEmailRow> {
      const arrivedAt = at.toISOString();
      await db.updateTable('test_emails').set({ arrived_at: arrivedAt }).where('account_id', '=', row.account_id).where('message_id', '=', row.message_id).execute();
      return { ...row, arrived_at: arrivedAt };
    },
  };
}
