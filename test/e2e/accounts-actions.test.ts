/**
 * Every mailbox action of the accounts page, in a real browser with the built extension,
 * against a Regrant on a real port with the Google/Microsoft stand-ins, Dovecot and
 * smtp-server: an admin connects a Gmail and an Outlook mailbox through their consent pages,
 * adds a custom one (a failing test saves nothing, a passing one saves it), checks, copies a
 * link, gives a mailbox to a member and removes one that holds emails; a member is not offered
 * what only admins may do, and is refused it by the API; a wrong port typed on a connected
 * mailbox is refused and the mailbox stays connected. The page's layout holds with a long list:
 * the detail of a mailbox far down is in view, and "· 3 emails waiting" keeps to its line.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, MessageView, StatusResponse } from '../../shared/api.ts';
import { BROWSERS, launchExtensionBrowser, type ExtensionBrowser, type TestPage } from '../support/extension-browser.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { saveToken } from '../support/options-page.ts';

const GMAIL = 'mia@acme.test';
const OUTLOOK = 'leo@acme.test';
const CUSTOM = 'ops@acme.test';
/** Dovecot's password for every mailbox of the world; smtp-server takes the same for the custom one. */
const PASSWORD = 'not-used-by-xoauth2';

describe.each(BROWSERS)('the accounts page\'s actions in %s', (browserName) => {
  let world: OAuthWorld;
  let http: Server;
  let serverUrl: string;
  let admin: Client;
  let member: Client;
  let browser: ExtensionBrowser;
  let page: TestPage;

  beforeAll(async () => {
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    world = await startOAuthWorld([GMAIL, OUTLOOK, CUSTOM], { PUBLIC_URL: serverUrl });
    world.smtp.setPassword(CUSTOM, PASSWORD);
    http = createHttpServer(world.rg.app.fetch);
    await listen(http, port, '127.0.0.1');
    admin = await world.rg.user('boss@acme.test', 'admin');
    member = await world.rg.user('sam@acme.test', 'member');
    browser = await launchExtensionBrowser(browserName);
    await signIn(admin.token);
    page = await browser.open('accounts.html');
    await page.getByRole('heading', { name: 'Mailboxes' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (http ? http.close(r) : r(null)));
    await world?.stop();
  });

  async function signIn(token: string) {
    await saveToken(await browser.open('options.html'), `${serverUrl}/`, token);
  }

  const accountsOf = async (client: Client) => ((await (await client.get('/api/status')).json()) as StatusResponse).accounts;
  const accountOf = async (email: string) => (await accountsOf(admin)).find((a) => a.email === email);

  it('Connect Gmail and Connect Outlook open the consent page in a new tab; the new mailbox opens on the page when it comes back', async () => {
    for (const [button, email, provider] of [['Connect Gmail', GMAIL, 'Google'], ['Connect Outlook', OUTLOOK, 'Microsoft']] as const) {
      await page.getByRole('button', { name: 'Add mailbox' }).click();
      (provider === 'Google' ? world.google : world.microsoft).nextConsent({ as: email });
      const tab = await browser.nextTab(() => page.getByRole('button', { name: button }).click());
      await page.getByText(`Sign in with ${provider} in the new tab; the mailbox appears here once it is connected.`).waitFor();
      // Regrant's own page first says who will hold the mailbox; its button goes on to the provider.
      await tab.getByRole('button', { name: `Continue with ${provider}` }).click();
      await tab.getByRole('heading', { name: 'Mailbox connected' }).waitFor();
      await tab.close();
      await page.getByRole('heading', { name: email }).waitFor({ timeout: 15_000 });
      expect((await accountOf(email))?.state).toBe('connected');
    }
  });

  it('Add custom: a failing test saves nothing and keeps what was typed; a passing one saves the mailbox connected', async () => {
    await page.getByRole('button', { name: 'Add mailbox' }).click();
    const form = page.getByRole('form', { name: 'Custom SMTP/IMAP mailbox' });
    await form.getByLabel('Email address').fill(CUSTOM);
    const fill = async (prefix: string, port: number, password: string) => {
      await form.locator(`#${prefix}-host`).fill('127.0.0.1');
      await form.locator(`#${prefix}-port`).fill(String(port));
      await form.locator(`#${prefix}-security`).selectOption('none');
      await form.locator(`#${prefix}-password`).fill(password);
    };
    await fill('add-smtp', world.smtp.port, 'wrong-password');
    await fill('add-imap', world.imap.port, 'wrong-password');
    await form.getByRole('button', { name: 'Test and add' }).click();
    await form.getByText(/^The new sending \(SMTP\) settings did not work, so nothing was saved: /).waitFor();
    expect(await accountOf(CUSTOM)).toBeUndefined();
    expect(await form.locator('#add-smtp-host').inputValue()).toBe('127.0.0.1');

    await form.locator('#add-smtp-password').fill(PASSWORD);
    await form.locator('#add-imap-password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Test and add' }).click();
    await page.getByRole('heading', { name: CUSTOM }).waitFor();
    expect((await accountOf(CUSTOM))?.state).toBe('connected');
  });

  it('a wrong port on the connected mailbox is refused through the form, the API and the import; it stays connected on its old settings', async () => {
    const before = (await (await admin.get(`/api/accounts/${(await accountOf(CUSTOM))!.id}`)).json()) as AccountView;
    const sending = page.getByRole('form', { name: 'Sending (SMTP)' });
    const closed = await freePort();
    await sending.getByLabel('Port').fill(String(closed));
    await sending.getByLabel('Password').fill(PASSWORD);
    await sending.getByRole('button', { name: 'Test Sending' }).click();
    await sending.getByText(/nothing was saved: .+ The mailbox stays connected with its saved settings\.$/).waitFor();
    expect(await sending.getByLabel('Port').inputValue()).toBe(String(closed));

    const api = await admin.patch(`/api/accounts/${before.id}`, { smtp: { port: closed, password: PASSWORD } });
    expect(api.status).toBe(422);
    expect(((await api.json()) as ApiErrorBody).error.code).toBe('signin_failed');

    const csv = `email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port,imap_security\r\n${CUSTOM},127.0.0.1,${closed},${CUSTOM},${PASSWORD},127.0.0.1,${world.imap.port},none`;
    const uploaded = (await (await admin.request('POST', '/api/imports', csv, { 'content-type': 'text/csv' })).json()) as { id: string; suggestedMapping: Record<string, string> };
    expect((await admin.post(`/api/imports/${uploaded.id}/run`, { mapping: uploaded.suggestedMapping, updateExisting: true })).status).toBe(202);
    const row = await eventually(async () => {
      const view = (await (await admin.get(`/api/imports/${uploaded.id}`)).json()) as { state: string; rows: Array<{ status: string; error?: { message: string } }> };
      return view.state === 'finished' && view.rows[0];
    }, 30_000);
    expect(row).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('Nothing was saved; the mailbox keeps its working settings.') } });

    const after = (await (await admin.get(`/api/accounts/${before.id}`)).json()) as AccountView;
    expect(after.state).toBe('connected');
    expect(after.smtp).toEqual(before.smtp);
  });

  it('Check now, Copy link and Change owner work for the admin', async () => {
    await page.locator(`.list [data-account="${(await accountOf(GMAIL))!.id}"]`).click();
    await page.getByRole('heading', { name: GMAIL }).waitFor();
    const checkedBefore = (await accountOf(GMAIL))!.lastCheckedAt;
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByText(`Checked ${GMAIL} just now.`).waitFor();
    expect((await accountOf(GMAIL))!.lastCheckedAt).not.toBe(checkedBefore);

    await page.getByRole('button', { name: `Copy link for ${GMAIL}` }).click();
    await page.getByText(/^Copied: expires in 72 h/).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${serverUrl}/r/[A-Za-z0-9_-]{22,}$`));

    await page.getByRole('button', { name: 'Change owner' }).click();
    await page.getByLabel('New owner (a Regrant user\'s email)').fill('sam@acme.test');
    await page.getByRole('button', { name: 'Save owner' }).click();
    await page.getByText('sam@acme.test owns this mailbox now.').waitFor();
    expect((await accountsOf(member)).map((a) => a.email)).toEqual([GMAIL]);
  });

  it('Remove warns how many held emails go with the mailbox, asks once, and those emails answer mailbox_removed', async () => {
    world.microsoft.revoke(OUTLOOK);
    const id = (await accountOf(OUTLOOK))!.id;
    expect(((await (await admin.post(`/api/accounts/${id}/check`)).json()) as AccountView).state).toBe('needs_reauth');
    const queued = [] as string[];
    for (const subject of ['One', 'Two']) queued.push(((await (await admin.post('/api/messages', { accountId: id, to: 'lead@example.test', subject, text: 'Hi' })).json()) as { id: string }).id);

    await page.locator(`.list [data-account="${id}"]`).click();
    await page.getByRole('heading', { name: OUTLOOK }).waitFor();
    await page.getByText('2 emails waiting').first().waitFor({ timeout: 20_000 });
    await page.locator('main').getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText(`Remove ${OUTLOOK} from Regrant? It holds 2 emails waiting: they will be dropped, not sent.`).waitFor();
    expect(await accountOf(OUTLOOK)).toBeDefined();
    await page.getByRole('button', { name: `Remove ${OUTLOOK}` }).click();
    await page.getByText('Choose a mailbox to see its history or fix its settings.').waitFor();
    expect(await accountOf(OUTLOOK)).toBeUndefined();
    for (const m of queued) expect((await (await admin.get(`/api/messages/${m}`)).json()) as MessageView).toMatchObject({ state: 'failed', error: { code: 'mailbox_removed' } });
  });

  it('a member sees no Change owner, and the API refuses a member who tries (403)', async () => {
    await signIn(member.token);
    const own = await browser.open(`accounts.html#${(await accountOf(GMAIL))!.id}`);
    await own.getByRole('heading', { name: GMAIL }).waitFor();
    await own.getByRole('button', { name: 'Check now' }).waitFor();
    expect(await own.getByRole('button', { name: 'Change owner' }).count()).toBe(0);
    const refused = await member.patch(`/api/accounts/${(await accountOf(GMAIL))!.id}`, { owner: 'boss@acme.test' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ApiErrorBody).error.code).toBe('forbidden');
    // Someone else's mailbox is not theirs to check, copy or remove: it does not exist for them.
    const custom = (await accountOf(CUSTOM))!.id;
    for (const [method, path] of [['POST', `/api/accounts/${custom}/check`], ['POST', `/api/accounts/${custom}/share-link`], ['DELETE', `/api/accounts/${custom}`]] as const) {
      expect((await member.request(method, path)).status).toBe(404);
    }
    await own.close();
    await signIn(admin.token);
  });

  it('with a long list, the detail of a mailbox far down is in view, and "· 3 emails waiting" keeps to its line in the popup', async () => {
    for (let i = 1; i < 80; i++) expect((await admin.post('/api/accounts', customMailbox(`rep${i}@acme.test`, { port: 9 }, { port: 9 }, 'pw'))).status).toBe(201);
    // The last one's password is refused: "Needs re-authentication for … · 3 emails waiting" is the longest line a row has.
    const rep80 = ((await (await admin.post('/api/accounts', customMailbox('rep80@acme.test', world.smtp, world.imap, 'refused'))).json()) as AccountView).id;
    expect(((await (await admin.post(`/api/accounts/${rep80}/check`)).json()) as AccountView).state).toBe('needs_reauth');
    for (const subject of ['a', 'b', 'c']) await admin.post('/api/messages', { accountId: rep80, to: 'lead@example.test', subject, text: 'Hi' });
    const long = await browser.open('accounts.html');
    await long.locator(`.list [data-account="${(await accountOf('rep79@acme.test'))!.id}"]`).waitFor();
    // The last row of the list: the farthest down.
    const last = (await long.locator('.list li:last-child .email').textContent())!;
    await long.locator('.list li:last-child button').click();
    await long.getByRole('heading', { name: last }).waitFor();
    const where = await long.evaluate(() => {
      const h = document.querySelector('.detail h2')!.getBoundingClientRect();
      return { scrolled: window.scrollY, top: h.top, bottom: h.bottom, height: window.innerHeight };
    });
    expect(where.scrolled).toBeGreaterThan(1000);
    expect(where.top).toBeGreaterThanOrEqual(0);
    expect(where.bottom).toBeLessThanOrEqual(where.height);
    await long.close();

    const popup = await browser.open('popup.html');
    const row = popup.locator(`[data-account="${rep80}"]`);
    await row.getByText('3 emails waiting').waitFor();
    const lines = await popup.evaluate(() => {
      const row = [...document.querySelectorAll('.account')].find((r) => r.textContent!.includes('rep80@'))!;
      const top = (s: string) => Math.round(row.querySelector(s)!.getBoundingClientRect().top);
      return { state: top('.line.facts .state'), pending: top('.line.facts .pending') };
    });
    expect(lines.pending).toBe(lines.state);
    await popup.close();
  }, 120_000);
});
