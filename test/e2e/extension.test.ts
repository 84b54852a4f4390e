/**
 * The extension as a person uses it, in real Chromium and real Firefox with the built extension loaded,
 * against a Regrant server on a real port with the Google/Microsoft fakes, Dovecot and
 * smtp-server: the badge counts the broken mailboxes, the popup fixes a Gmail mailbox in one
 * click, a copied link lets someone else fix an Outlook one, the accounts page fixes a
 * custom one, and a server that goes down turns the badge grey.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, StatusResponse } from '../../shared/api.ts';
import { launchPlainBrowser } from '../support/chromium.ts';
import { BROWSERS, launchExtensionBrowser, type ExtensionBrowser, type TestPage } from '../support/extension-browser.ts';
import { intoInboxes } from '../support/mail-samples.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';

const GMAIL = 'mia@acme.test';
const OUTLOOK = 'leo@acme.test';
const CUSTOM = 'ops@acme.test';
/** Dovecot's passwd-file password for every mailbox of the OAuth world. */
const DOVECOT_PASSWORD = 'not-used-by-xoauth2';
const RED = [217, 48, 37, 255];
const GREY = [107, 114, 128, 255];

describe.each(BROWSERS)('in %s', (browserName) => {
  let world: OAuthWorld;
  let customSmtp: TestSmtp;
  let http: Server;
  let serverUrl: string;
  let admin: Client;
  let browser: ExtensionBrowser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    world = await startOAuthWorld([GMAIL, OUTLOOK, CUSTOM], { PUBLIC_URL: serverUrl });
    // Accepted mail for the custom mailbox lands in its Dovecot INBOX, where Test Receiving looks.
    customSmtp = await startSmtp({ [CUSTOM]: 'smtp-pass' }, { deliver: intoInboxes(world.imap, { [CUSTOM]: DOVECOT_PASSWORD }) });
    http = createHttpServer(world.rg.app.fetch);
    await listen(http, port, '127.0.0.1');
    admin = await world.rg.user('boss@acme.test', 'admin');

    ids[GMAIL] = (await world.connect(admin, 'google', GMAIL)).id;
    ids[OUTLOOK] = (await world.connect(admin, 'microsoft', OUTLOOK)).id;
    const custom = customMailbox(CUSTOM, customSmtp, world.imap, 'stale-pass');
    ids[CUSTOM] = ((await (await admin.post('/api/accounts', custom)).json()) as AccountView).id;
    // The grants are revoked and the password is stale: all three need re-authentication.
    world.google.revoke(GMAIL);
    world.microsoft.revoke(OUTLOOK);
    for (const id of Object.values(ids)) {
      const checked = (await (await admin.post(`/api/accounts/${id}/check`)).json()) as AccountView;
      expect(checked.state).toBe('needs_reauth');
    }
    // An email waits for the Gmail mailbox: the popup shows it, and the re-grant sends it.
    expect((await admin.post('/api/messages', { accountId: ids[GMAIL], to: 'lead@example.test', subject: 'Hello', text: 'Hi' })).status).toBe(202);
    browser = await launchExtensionBrowser(browserName);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (http ? http.close(r) : r(null)));
    await Promise.all([world?.stop(), customSmtp?.stop()]);
  });

  /** Opens the popup, which polls at once, and waits for its list. */
  async function openPopup(): Promise<TestPage> {
    const popup = await browser.open('popup.html');
    await popup.getByRole('list', { name: 'Mailboxes' }).waitFor();
    return popup;
  }

  const badgeText = async (want: string) => eventually(async () => ((await browser.badge()).text === want ? browser.badge() : null), 10_000);

  it('after the options are saved, the badge shows how many mailboxes need re-authentication', async () => {
    // Nothing configured yet: the first poll at install says "unknown", never "all good".
    expect(await badgeText('?')).toMatchObject({ color: GREY });
    // What a person sees the first time: the popup says what to do, and where.
    const first = await browser.open('popup.html');
    await first.getByText('Connect the extension to your Regrant server to see your mailboxes.').waitFor();
    await first.getByRole('button', { name: 'Open options' }).waitFor();
    await first.close();

    const options = await browser.open('options.html');
    await options.getByLabel('Server URL').fill(`${serverUrl}/`);
    // The token field sits under Advanced (Sign in is the usual way in).
    await options.getByText('Advanced: paste an API token').click();
    await options.getByLabel('API token').fill(admin.token);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByText('Connected: 3 mailboxes, 3 need re-authentication.').waitFor();
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByText('Saved. Connected: 3 mailboxes, 3 need re-authentication.').waitFor();

    const badge = await badgeText('3');
    expect(badge).toEqual({ text: '3', color: RED, title: 'Regrant: 3 mailboxes need re-authentication' });
    await options.close();
  });

  it('the popup lists them; Re-grant opens the consent page in a new tab, and once allowed the badge drops within one poll', async () => {
    const popup = await openPopup();
    const emails = await popup.locator('.account .email').allTextContents();
    expect(emails).toEqual([OUTLOOK, GMAIL, CUSTOM]);
    await popup.getByText('3 mailboxes need re-authentication').waitFor();
    expect(await popup.locator(`[data-account="${ids[GMAIL]}"]`).textContent()).toContain('1 email waiting');

    world.google.consentScreen = true;
    // By keyboard alone: Tab to the row's Re-grant button and press Enter.
    const focused = () => popup.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
    for (let i = 0; i < 12 && (await focused()) !== `Re-grant ${GMAIL}`; i++) await popup.press('Tab');
    expect(await focused()).toBe(`Re-grant ${GMAIL}`);
    const tab = await browser.nextTab(() => popup.press('Enter'));
    await tab.getByRole('heading', { name: 'Regrant wants to access your Google Account' }).waitFor();
    expect(new URL(await tab.url()).origin).toBe(world.google.url);
    expect(await tab.locator('body').textContent()).toContain(GMAIL);
    await tab.getByRole('button', { name: 'Allow' }).click();
    await tab.getByRole('heading', { name: 'Reconnected' }).waitFor();
    expect(await tab.url()).toContain(`${serverUrl}/oauth/google/callback`);

    const status = (await (await admin.get('/api/status')).json()) as StatusResponse;
    expect(status.accounts.find((a) => a.email === GMAIL)!.state).toBe('connected');
    await eventually(() => world.google.gmail.sent(GMAIL).length === 1);
    await tab.close();
    await popup.close();
    // One poll (the popup asks for one when it opens) and the badge follows.
    const again = await openPopup();
    await badgeText('2');
    await again.close();
  });

  it('Copy link puts a /r/ link on the clipboard that re-grants the mailbox in a browser logged in nowhere', async () => {
    const popup = await openPopup();
    await popup.getByRole('button', { name: `Copy link for ${OUTLOOK}` }).click();
    await popup.getByText('Copied: expires in 72 h').waitFor();
    const link = await popup.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${serverUrl}/r/[A-Za-z0-9_-]{22,}$`));
    await popup.close();

    const stranger = await launchPlainBrowser();
    try {
      await stranger.page.goto(link);
      expect(await stranger.page.textContent('body')).toContain(OUTLOOK);
      world.microsoft.nextConsent({ as: OUTLOOK });
      await stranger.page.getByRole('button', { name: 'Continue with Microsoft' }).click();
      await stranger.page.getByRole('heading', { name: 'Reconnected' }).waitFor();
    } finally {
      await stranger.close();
    }
    const again = await openPopup();
    await badgeText('1');
    await again.close();
  });

  it('Fix opens the accounts page at a custom mailbox; with new passwords Test Sending sends a test email, Test Receiving finds it, and the badge clears', async () => {
    const popup = await openPopup();
    const page = await browser.nextTab(() => popup.getByRole('button', { name: `Fix ${CUSTOM}` }).click());
    await page.getByRole('heading', { name: CUSTOM }).waitFor();
    expect(await page.url()).toContain(`accounts.html#${ids[CUSTOM]}`);
    await page.getByText('History').waitFor();

    const sending = page.getByRole('form', { name: 'Sending (SMTP)' });
    await sending.getByLabel('Password').fill('wrong-again');
    await sending.getByRole('button', { name: 'Test Sending' }).click();
    await sending.getByText(/SMTP server rejected/).waitFor();
    await sending.getByLabel('Password').fill('smtp-pass');
    await sending.getByRole('button', { name: 'Test Sending' }).click();
    await sending.getByText(/^Sent a test email to ops@acme\.test at \d\d:\d\d\./).waitFor();
    expect(customSmtp.received.at(-1)).toMatchObject({ from: CUSTOM, to: [CUSTOM], subject: 'Regrant test email' });

    const receiving = page.getByRole('form', { name: 'Receiving (IMAP)' });
    await receiving.getByLabel('Password').fill(DOVECOT_PASSWORD);
    await receiving.getByRole('button', { name: 'Test Receiving' }).click();
    await receiving.getByText('The test email arrived: receiving works.').waitFor();
    await page.locator('.detail .state.connected').first().waitFor();

    const badge = await badgeText('');
    expect(badge.title).toBe('Regrant: no mailbox needs re-authentication (3 mailboxes)');
    await page.close();
    await popup.close();
  });

  it('with no page open the alarm still polls: a mailbox that loses its grant turns the badge red within one interval', async () => {
    const options = await browser.open('options.html');
    await options.getByLabel('Check every').selectOption('30');
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByText(/^Saved\./).waitFor();
    await options.close();
    // Firefox unloads an idle event page: the alarm has to wake it.
    if (browser.backgroundRunning) await eventually(async () => !(await browser.backgroundRunning!()), 20_000);

    world.google.revoke(GMAIL);
    const checked = (await (await admin.post(`/api/accounts/${ids[GMAIL]}/check`)).json()) as AccountView;
    expect(checked.state).toBe('needs_reauth');
    // One 30-second interval, and room for a slow alarm on a loaded machine.
    const badge = await eventually(async () => ((await browser.badge()).text === '1' ? browser.badge() : null), 50_000);
    expect(badge).toEqual({ text: '1', color: RED, title: 'Regrant: 1 mailbox needs re-authentication' });
  }, 90_000);

  it('the server going down turns the badge grey, not empty', async () => {
    const closed = new Promise((r) => http.close(r));
    http.closeAllConnections(); // the browser's keep-alive sockets too
    await closed;
    const popup = await browser.open('popup.html');
    await popup.getByText(`Cannot reach ${serverUrl}. Check the address, and that the server is running.`).waitFor();
    const badge = await badgeText('?');
    expect(badge.color).toEqual(GREY);
    expect(badge.title).toContain('state unknown');
    await popup.close();
  });
});
