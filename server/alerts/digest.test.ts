import { describe, expect, it } from 'vitest';
import { digestOf, digestText, type DigestInput, type DigestMailbox } from './digest.ts';
import { digestHtml } from './html.ts';

const now = new Date('2026-12-04T20:00:00.000Z');
const mailbox = (email: string, over: Partial<DigestMailbox> = {}): DigestMailbox => ({ email, provider: 'custom', link: null, reason: 'The SMTP server rejected the username or password.', hint: 'Enter the current password.', since: '2026-12-04T18:00:00.000Z', pendingEmails: 2, said: null, audience: 'holder', ...over });
const input = (over: Partial<DigestInput>): DigestInput => ({ kind: 'group', workspace: 'Acme', recipient: 'boss@acme.test', timeZone: 'UTC', now, operator: [], resolved: [], causes: [], mailboxes: [], fixed: [], ...over });

describe('the words of a grouped alert', () => {
  it('one mailbox: its address in the subject; a tenant cause says an administrator must act', () => {
    expect(digestOf(input({ mailboxes: [mailbox('a@acme.test')] })).subject).toBe('Acme: a@acme.test needs re-authentication');
    const tenant = digestOf(input({ mailboxes: [mailbox('a@acme.test', { audience: 'tenant' })] }));
    expect(tenant.subject).toBe('Acme: a@acme.test needs an administrator');
    expect(digestText(tenant)).toContain('Re-granting or a new password will not help');
  });

  it('several: the count and the emails waiting; times in the zone and as "ago"', () => {
    const d = digestOf(input({ mailboxes: [mailbox('a@acme.test'), mailbox('b@acme.test', { pendingEmails: 1 })] }));
    expect(d.subject).toBe('Acme: 2 mailboxes need attention');
    expect(d.summary).toBe('Acme lost access to 2 mailboxes; 3 emails waiting.');
    expect(digestText(d)).toContain('Since: 2026-12-04 18:00 UTC (2 hours ago)');
  });

  it('an operator cause alone names the setting and the count; its fix alone is "resolved"', () => {
    const op = { code: 'oauth_client_invalid', title: 'Google refuses Regrant\'s OAuth client', setting: 'GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET', hint: null, waiting: 7 };
    expect(digestOf(input({ operator: [op] })).subject).toBe('Acme: Google refuses Regrant\'s OAuth client (7 mailboxes wait)');
    expect(digestOf(input({ resolved: [op] })).subject).toBe('Acme: resolved: Google refuses Regrant\'s OAuth client');
  });

  it('the HTML part escapes every text and loads nothing remote', async () => {
    const html = await digestHtml(digestOf(input({ workspace: 'A<b>cme', mailboxes: [mailbox('a@acme.test', { said: 'smtp: 535 <script>x</script>' })] })));
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('A<b>cme');
    expect(html).not.toMatch(/<link|<img|@import/);
  });

  const link = { url: 'https://regrant.acme.test/r/r_abc', expiresAt: '2026-12-07T20:00:00.000Z' };
  const lines = (text: string, email: string) => text.split('\n- ').find((b) => b.startsWith(email))!;

  it('each mailbox carries its link: for the admin to use or pass on, for the mailbox in its holder\'s words', () => {
    const gmail = mailbox('sales@gmail.test', { provider: 'google', link, hint: 'Re-grant access: press "Re-grant".' });
    const custom = mailbox('ops@acme.test', { link: { ...link, url: 'https://regrant.acme.test/r/r_def' } });
    const toBoss = digestText(digestOf(input({ mailboxes: [gmail, custom] })));
    expect(lines(toBoss, 'sales@gmail.test')).toContain('How to fix it: Re-grant access: press "Re-grant".\n  Open it and sign in with Google as sales@gmail.test, or send it to whoever holds the mailbox.');
    expect(lines(toBoss, 'sales@gmail.test')).toContain('until 2026-12-07 20:00 UTC');
    expect(lines(toBoss, 'sales@gmail.test')).toContain('  Reconnect link: https://regrant.acme.test/r/r_abc\n');
    expect(lines(toBoss, 'ops@acme.test')).toContain('  Repair link: https://regrant.acme.test/r/r_def\n');
    expect(toBoss).not.toContain('Open Regrant');

    const toMailbox = digestText(digestOf(input({ recipient: 'sales@gmail.test', mailboxes: [gmail] })));
    expect(toMailbox).toContain('How to fix it: open the link below and sign in with Google as sales@gmail.test. You need no Regrant account.');
    expect(toMailbox).toContain('  Your link: https://regrant.acme.test/r/r_abc\n');
    // Nothing the holder cannot do: no button of an extension they do not have.
    expect(toMailbox).not.toMatch(/press|Re-grant"|extension/);
  });

  it('no link when only an administrator can fix it: the fix in words', () => {
    const text = digestText(digestOf(input({ mailboxes: [mailbox('a@acme.test', { audience: 'tenant', hint: 'An administrator must enable SMTP AUTH.' })] })));
    expect(text).toContain('How to fix it: An administrator must enable SMTP AUTH.');
    expect(text).not.toMatch(/\/r\/|link/i);
  });

  it('the HTML part holds the same link, as a line and a button naming the mailbox', async () => {
    const html = await digestHtml(digestOf(input({ mailboxes: [mailbox('sales@gmail.test', { provider: 'google', link })] })));
    expect(html).toContain('Reconnect link: <a href="https://regrant.acme.test/r/r_abc">https://regrant.acme.test/r/r_abc</a>');
    expect(html).toMatch(/<a\s+href="https:\/\/regrant\.acme\.test\/r\/r_abc"[^>]*>\s*Reconnect sales@gmail\.test\s*<\/a>/);
    expect(html).not.toContain('Open Regrant');
  });
});
