/**
 * Signing in from the options page in real Chromium, with the built extension (its fixed id
 * from the manifest key) against a Regrant on a real port. Probe first: does headless
 * Chromium open launchWebAuthFlow's window where playwright can drive it?
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.ts';
import { freePort } from '../support/ports.ts';
import { startRegrant, eventually, type TestRegrant } from '../support/regrant.ts';
import { codeIn } from '../support/signin.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let rg: TestRegrant;
let notify: TestSmtp;
let http: Server;
let serverUrl: string;
let chrome: ExtensionBrowser;

beforeAll(async () => {
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ PUBLIC_URL: serverUrl, NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, SIGNIN_DOMAINS: 'acme.test', WORKSPACE_NAME: 'Acme' });
  http = createHttpServer(rg.app.fetch);
  await listen(http, port, '127.0.0.1');
  chrome = await launchWithExtension();
}, 120_000);

afterAll(async () => {
  await chrome?.close();
  await new Promise((r) => (http ? http.close(r) : r(null)));
  await rg?.destroy();
  await notify?.stop();
});

describe('sign in from the options page (Chromium)', () => {
  it('the built extension has the fixed id the server accepts by default', () => {
    expect(chrome.extensionId).toBe(CHROME_EXTENSION_ID);
  });

  it('Sign in opens the server’s sign-in window; a teammate signs in with an emailed code', async () => {
    const options = await chrome.open('options.html');
    await options.getByLabel('Server URL').fill(serverUrl);
    const pages: string[] = [];
    chrome.context.on('page', (p) => pages.push(p.url()));
    const windowOpened = chrome.context.waitForEvent('page', { timeout: 10_000 }).catch((e: Error) => e);
    await options.getByRole('button', { name: 'Sign in' }).click();
    const win = await windowOpened;
    console.log('PROBE window:', win instanceof Error ? win.message : win.url(), pages);
    if (win instanceof Error) throw win;
    await win.waitForLoadState();
    console.log('PROBE url', win.url());
    await win.getByLabel('Or get a sign-in code by email').fill('tess@acme.test');
    await win.getByRole('button', { name: 'Email me a sign-in code' }).click();
    const code = await eventually(() => codeIn(notify, 'tess@acme.test'));
    await win.getByLabel('Sign-in code').fill(code);
    await win.getByRole('button', { name: 'Sign in' }).click();
    await options.getByText('Signed in as tess@acme.test.').waitFor({ timeout: 10_000 });
  });
});
