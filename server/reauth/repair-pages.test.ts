import { describe, expect, it } from 'vitest';
import { readRepairForm, type RepairPageView } from './repair.ts';
import { repairLockedPage, repairPage } from './repair-pages.ts';

const view = (more: Partial<RepairPageView> = {}): RepairPageView => ({ repair: true, email: 'ops@acme.test', workspace: 'Acme', perSide: false, connected: false, spent: null, ...more });
const render = async (page: ReturnType<typeof repairPage>) => String(await page);

describe('readRepairForm', () => {
  it('keeps the password fields that are text, and nothing else', () => {
    const file = new File(['x'], 'pw.txt');
    expect(readRepairForm({ password: 'pw', host: 'evil.example', smtpPassword: file, imapPassword: ['a', 'b'] })).toEqual({ password: 'pw' });
    expect(readRepairForm({ smtpPassword: '', imapPassword: 'i' })).toEqual({ smtpPassword: '', imapPassword: 'i' });
  });
});

describe('the repair page', () => {
  it('says a broken mailbox is broken, and a connected one only that a changed password goes here', async () => {
    expect(await render(repairPage(view(), 'r_t'))).toContain('can no longer sign in to its mail server');
    const connected = await render(repairPage(view({ connected: true }), 'r_t'));
    expect(connected).not.toContain('can no longer sign in');
    expect(connected).toContain('If its password was changed, enter the new one here.');
  });

  it('escapes what it shows and posts to the link itself', async () => {
    const html = await render(repairPage(view({ email: '"><b>x@acme.test' }), 'r_abc'));
    expect(html).not.toContain('<b>x@acme.test');
    expect(html).toContain('<form method="post" action="/r/r_abc">');
  });

  it('ties each error to its field and focuses the first one at fault', async () => {
    const html = await render(repairPage(view({ perSide: true }), 'r_t', { problem: 'No.', errors: { imapPassword: 'Wrong for IMAP.' } }));
    expect(html).toContain('<p role="alert"><strong>No.</strong></p>');
    expect(html).toMatch(/id="smtpPassword"[^>]*aria-describedby="smtpPassword-note" aria-invalid="false">/);
    expect(html).toMatch(/id="imapPassword"[^>]*aria-describedby="imapPassword-note" aria-invalid="true" autofocus>/);
    expect(html).toContain('<span id="imapPassword-note"><strong>Wrong for IMAP.</strong></span>');
  });

  it('offers no form once the link takes no more tries, and says why', async () => {
    const link = await render(repairPage(view({ spent: 'link' }), 'r_t'));
    expect(link).not.toContain('<form');
    expect(link).toContain('5 wrong passwords were entered through this link');
    const mailbox = await render(repairPage(view({ spent: 'mailbox' }), 'r_t'));
    expect(mailbox).toContain('10 wrong passwords were entered for this mailbox in the last 24 hours');
    const locked = String(await repairLockedPage({ kind: 'repair_locked', view: view({ spent: 'link' }) }));
    expect(locked).toContain("the mailbox's owner in Acme has been told");
  });
});
