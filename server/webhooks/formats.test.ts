import { expect, it } from 'vitest';
import { webhookBody, type MailboxEvent } from './formats.ts';

const EVENT: MailboxEvent = {
  type: 'mailbox.needs_reauth',
  at: '2026-12-04T19:50:12.345Z',
  workspace: 'Acme & Co',
  accountId: 'acc_1',
  email: 'ops@acme.test',
  provider: 'custom',
  state: 'needs_reauth',
  reason: { code: 'smtp_auth_failed', message: 'The server said <https://evil.test|click here> & more.' },
  pendingEmails: 1,
  fixUrl: 'https://regrant.acme.test/fix/acc_1',
};

it('standard: the documented fields and nothing of the workspace', () => {
  expect(JSON.parse(webhookBody('standard', EVENT))).toEqual({
    type: 'mailbox.needs_reauth',
    timestamp: EVENT.at,
    data: { accountId: 'acc_1', email: 'ops@acme.test', provider: 'custom', state: 'needs_reauth', reason: EVENT.reason, pendingEmails: 1, since: EVENT.at, fixUrl: EVENT.fixUrl },
  });
});

it("slack: text a server wrote cannot become a link or markup; the Fix button is Regrant's", () => {
  const message = JSON.parse(webhookBody('slack', EVENT)) as { text: string; blocks: Array<{ type: string; elements?: Array<{ url: string }> }> };
  expect(message.text).toBe(
    ':warning: *ops@acme.test needs re-authentication* (Acme &amp; Co): The server said &lt;https://evil.test|click here&gt; &amp; more. Since 2026-12-04 19:50 UTC, 1 email waiting. <https://regrant.acme.test/fix/acc_1|Fix ops@acme.test>',
  );
  expect(message.blocks.find((b) => b.type === 'actions')!.elements).toEqual([expect.objectContaining({ url: EVENT.fixUrl })]);
});

it('teams: an Adaptive Card whose facts are plain text values', () => {
  const message = JSON.parse(webhookBody('teams', { ...EVENT, type: 'mailbox.reconnected', fixUrl: undefined, reason: { code: 'regranted', message: 'Fixed.' } }));
  const card = message.attachments[0].content;
  expect(card.body[0]).toMatchObject({ text: 'ops@acme.test is reconnected', color: 'Good' });
  expect(card.body[1].facts).toEqual([
    { title: 'Mailbox', value: 'ops@acme.test (SMTP/IMAP)' },
    { title: 'What happened', value: 'Fixed.' },
    { title: 'At', value: '2026-12-04 19:50 UTC' },
    { title: 'Emails waiting', value: '1' },
  ]);
  expect(card.actions).toBeUndefined();
});
