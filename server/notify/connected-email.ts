/**
 * The words of the "mailbox was connected" email, sent to the mailbox itself and to its new
 * owner: whoever consented learns who holds the access now, and how to take it back.
 *
 * @example connectedEmail({ email, provider: 'Google', owner: 'mia@acme.test', workspace: 'Acme' })
 */
export function connectedEmail(c: { email: string; provider: string; owner: string; workspace: string }): { subject: string; text: string } {
  const revoke = c.provider === 'Google' ? 'https://myaccount.google.com/permissions' : 'https://myapps.microsoft.com (or https://account.live.com/consent/Manage)';
  const lines = [
    `${c.email} was connected to ${c.workspace} with ${c.provider} by ${c.owner}, who now manages it there.`,
    '',
    `${c.workspace} can now send email from this mailbox and watch it for replies and bounces.`,
    '',
    `If you did not expect this, remove the access at ${revoke} and tell an administrator of ${c.workspace}.`,
  ];
  return { subject: `${c.workspace}: ${c.email} was connected`, text: lines.join('\n') };
}
