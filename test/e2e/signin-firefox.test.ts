/**
 * Sign in from the options page in real Firefox ESR (the built add-on, id regrant@regrant.dev):
 * its launchWebAuthFlow window, driven over WebDriver BiDi, and the redirect URL Firefox
 * derives from the add-on id, which the server accepts by default.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { launchExtensionBrowser, type ExtensionBrowser } from '../support/extension-browser.ts';
import { freePort } from '../support/ports.ts';
import { startRegrant, eventually, type TestRegrant } from '../support/regrant.ts';
import { codeIn } from '../support/signin.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let rg: TestRegrant;
let notify: TestSmtp;
let http: Server;
let serverUrl: string;
let firefox: ExtensionBrowser;

beforeAll(async () => {
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ PUBLIC_URL: serverUrl, NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, SIGNIN_DOMAINS: 'acme.test', WORKSPACE_NAME: 'Acme' });
  http = createHttpServer(rg.app.fetch);
  await listen(http, port, '127.0.0.1');
  firefox = await launchExtensionBrowser('firefox');
}, 120_000);

afterAll(async () => {
  await firefox?.close();
  await new Promise((r) => (http ? http.close(r) : r(null)));
  await rg?.destroy();
  await notify?.stop();
});

describe('sign in from the options page (Firefox)', () => {
  it('a teammate signs in with an emailed code in Firefox’s sign-in window, and signs out', async () => {
    const options = await firefox.open('options.html');
    await options.getByLabel('Server URL').fill(serverUrl);
    const win = await firefox.nextTab(() => options.getByRole('button', { name: 'Sign in', exact: true }).click());
    // The window opens on about:blank and then loads the server's page.
    await eventually(async () => (await win.url()).startsWith(serverUrl), 10_000);
    expect(new URL(await win.url()).searchParams.get('redirect_uri')).toBe('https://8dc989990b3e04316fdc5ed483637560f3c7d718.extensions.allizom.org/');
    await win.getByLabel('Or get a sign-in code by email').fill('fay@acme.test');
    await win.getByRole('button', { name: 'Email me a sign-in code' }).click();
    const code = await eventually(() => codeIn(notify, 'fay@acme.test'));
    await win.getByLabel('Sign-in code').fill(code);
    await win.getByRole('button', { name: 'Sign in' }).click();
    await options.getByText('Signed in as fay@acme.test.').waitFor({ timeout: 10_000 });
    await options.getByRole('button', { name: 'Sign out' }).click();
    await options.getByText('Signed out. The token no longer works.').waitFor();
    const tokens = await rg.users.listTokens('fay@acme.test');
    expect(tokens).toHaveLength(1);
    expect(tokens[0].revoked_at).not.toBeNull();
  });
});
