/**
 * Fixing many custom mailboxes with one CSV file, as a person does it: in real Chromium and
 * real Firefox with the built extension, against a Regrant server on a real port, smtp-server and Dovecot. Five
 * mailboxes lost their passwords (the badge says 5); the accounts page's Add in bulk takes a
 * semicolon file with the new ones, its columns named the way a spreadsheet names them; the
 * import fixes them, adds a new one, says why one row failed, offers the report, and the
 * badge empties.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { BROWSERS, launchExtensionBrowser, type ExtensionBrowser } from '../support/extension-browser.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { saveToken } from '../support/options-page.ts';

const BROKEN = ['ana@acme.test', 'ben@acme.test', 'cai@acme.test', 'dee@acme.test', 'eli@acme.test'];
const NEW = 'fay@acme.test';
const newPassword = (email: string) => `new-${email.split('@')[0]}`;
const RED = [217, 48, 37, 255];

describe.each(BROWSERS)('in %s', (browserName) => {
  let imap: Dovecot;
  let smtp: TestSmtp;
  let rg: TestRegrant;
  let http: Server;
  let serverUrl: string;
  let admin: Client;
  let browser: ExtensionBrowser;
  let heldFor = '';

  beforeAll(async () => {
    const users = Object.fromEntries([...BROKEN, NEW].map((e) => [e, newPassword(e)]));
    imap = await startDovecot(users);
    smtp = await startSmtp(users);
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    rg = await startRegrant({ PUBLIC_URL: serverUrl });
    http = createHttpServer(rg.app.fetch);
    await listen(http, port, '127.0.0.1');
    admin = await rg.user('boss@acme.test', 'admin');
    for (const email of BROKEN) {
      const account = (await (await admin.post('/api/accounts', customMailbox(email, smtp, imap, 'old-password'))).json()) as AccountView;
      expect(((await (await admin.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
      heldFor ||= account.id;
    }
    expect((await admin.post('/api/messages', { accountId: heldFor, to: 'lead@example.test', subject: 'Waiting for the fix', text: 'Hi' })).status).toBe(202);
    browser = await launchExtensionBrowser(browserName);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (http ? http.close(r) : r(null)));
    await rg?.destroy();
    await Promise.all([imap?.stop(), smtp?.stop()]);
  });

  const badgeText = async (want: string) => eventually(async () => ((await browser.badge()).text === want ? browser.badge() : null), 15_000);

  it('one CSV file fixes five broken mailboxes from the accounts page, and the badge empties', async () => {
    await saveToken(await browser.open('options.html'), serverUrl, admin.token);
    expect(await badgeText('5')).toMatchObject({ color: RED });

    const page = await browser.open('accounts.html');
    await page.getByRole('button', { name: 'Add in bulk' }).click();
    await page.getByRole('heading', { name: 'Add mailboxes in bulk' }).waitFor();

    // The template comes with the token, as a download.
    const template = await page.download(() => page.getByRole('button', { name: 'Download the template' }).click());
    expect(template.name).toBe('regrant-template.csv');
    expect(template.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^email,name,owner,smtp_host/);

    const line = (email: string, password = newPassword(email)) => [email, '127.0.0.1', smtp.port, 'none', password, '127.0.0.1', imap.port, 'none'].join(';');
    const csv = ['E-mail;Outgoing server;Outgoing port;SMTP Security;Password;Incoming server;Incoming port;IMAP Security', ...BROKEN.map((e) => line(e)), line(NEW), line('nobody@acme')].join('\r\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'mailboxes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    // The preview masks passwords; each field is preset from the column names.
    const preview = page.getByRole('region', { name: 'Preview of the file' });
    await preview.waitFor();
    expect(await preview.textContent()).toContain(BROKEN[0]);
    expect(await preview.textContent()).not.toContain(newPassword(BROKEN[0]));
    expect(await page.getByLabel('SMTP host').inputValue()).toBe('Outgoing server');
    expect(await page.getByLabel('IMAP port').inputValue()).toBe('Incoming port');
    expect(await page.getByLabel('SMTP username').inputValue()).toBe('E-mail');
    expect(await page.getByLabel('IMAP password').inputValue()).toBe('Password');
    await page.getByLabel('Update inbox if it exists').check();
    await page.getByRole('button', { name: 'Start import' }).click();

    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.import-results .summary').textContent()).toMatch(/1 created.*5 updated.*1 failed/);
    await page.getByRole('button', { name: 'Failed (1)' }).click();
    const failedRows = page.getByRole('region', { name: 'Rows of the file' }).locator('tbody tr');
    expect(await failedRows.count()).toBe(1);
    expect(await failedRows.first().textContent()).toContain('"nobody@acme" is not a valid email address');

    const reportText = (await page.download(() => page.getByRole('button', { name: 'Download report' }).click())).text;
    expect(reportText).toContain(`${NEW},created,connected`);
    for (const e of BROKEN) expect(reportText).toContain(`${e},updated,connected`);
    expect(reportText).not.toContain(newPassword(BROKEN[0]));

    // The fix reaches the badge at once, and the email held for a broken mailbox goes out.
    expect(await badgeText('')).toMatchObject({ text: '' });
    await eventually(() => smtp.received.some((m) => m.subject === 'Waiting for the fix'));
    const listed = ((await (await admin.get('/api/accounts')).json()) as { accounts: AccountView[] }).accounts;
    expect(listed.map((a) => `${a.email}:${a.state}`).sort()).toEqual([...BROKEN, NEW].map((e) => `${e}:connected`).sort());
  }, 90_000);
});
