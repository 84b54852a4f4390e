/**
 * Teammates sign in from the extension in real Chromium, with the built extension (its fixed
 * id from the manifest key) against a Regrant on a real port with the Google and Microsoft
 * stand-ins: launchWebAuthFlow's window opens headless where playwright drives it. A person
 * signs in through the Google stand-in, the Microsoft stand-in and with an emailed code, sees
 * only what their role allows, and signs out (the token is dead at once). An admin invites,
 * changes a role and removes a member from the accounts page, and cannot remove the last admin.
 */
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { stableUuid } from '../fakes/oauth-common.ts';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.ts';
import { MICROSOFT_CLIENT, startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { freePort } from '../support/ports.ts';
import { eventually } from '../support/regrant.ts';
import { codeIn } from '../support/signin.ts';

const PEOPLE = ['boss@acme.test', 'tess@acme.test', 'cy@acme.test', 'mo@acme.test'];
let world: OAuthWorld;
let http: Server;
let serverUrl: string;
let chrome: ExtensionBrowser;
let options: Page;

beforeAll(async () => {
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  world = await startOAuthWorld(PEOPLE, { PUBLIC_URL: serverUrl, SIGNIN_DOMAINS: 'acme.test', MICROSOFT_SIGNIN_TENANTS: stableUuid(`tenant:${MICROSOFT_CLIENT.clientId}`) }, {});
  http = createHttpServer(world.rg.app.fetch);
  await listen(http, port, '127.0.0.1');
  await world.rg.users.add({ email: 'boss@acme.test', role: 'admin' });
  await world.rg.users.add({ email: 'cy@acme.test', role: 'member' });
  chrome = await launchWithExtension();
  options = await chrome.open('options.html');
  await options.getByLabel('Server URL').fill(serverUrl);
}, 180_000);

afterAll(async () => {
  await chrome?.close();
  await new Promise((r) => (http ? http.close(r) : r(null)));
  await world?.stop();
});

/** Presses Sign in and lets `inWindow` act in the sign-in window that opens; answers once the options say who signed in. */
async function signIn(email: string, inWindow: (win: Page) => Promise<void>): Promise<string> {
  const opened = chrome.context.waitForEvent('page');
  await options.getByRole('button', { name: 'Sign in', exact: true }).click();
  const win = await opened;
  await win.waitForLoadState();
  expect(new URL(win.url()).pathname).toBe('/login');
  await inWindow(win);
  await options.getByText(`Signed in as ${email}.`).waitFor();
  type Local = { chrome: { storage: { local: { get(key: string): Promise<{ apiToken: string }> } } } };
  return options.evaluate(async () => (await (globalThis as unknown as Local).chrome.storage.local.get('apiToken')).apiToken);
}

async function signOut(token: string): Promise<void> {
  await options.getByRole('button', { name: 'Sign out' }).click();
  await options.getByText('Signed out. The token no longer works.').waitFor();
  expect((await world.rg.client(token).get('/api/me')).status).toBe(401);
}

const me = async (token: string) => (await world.rg.client(token).get('/api/me')).json();

describe('signing in from the extension (Chromium)', () => {
  it('the built extension has the fixed id the server accepts by default', () => {
    expect(chrome.extensionId).toBe(CHROME_EXTENSION_ID);
  });

  it('a teammate signs in with an emailed code, sees no members section, and signs out', async () => {
    const token = await signIn('tess@acme.test', async (win) => {
      await win.getByLabel('Or get a sign-in code by email').fill('tess@acme.test');
      await win.getByRole('button', { name: 'Email me a sign-in code' }).click();
      const code = await eventually(() => codeIn(world.notify, 'tess@acme.test'));
      await win.getByLabel('Sign-in code').fill(code);
      await win.getByRole('button', { name: 'Sign in' }).click();
    });
    expect(await me(token)).toMatchObject({ email: 'tess@acme.test', role: 'member' });
    await options.getByText('Signed in as tess@acme.test (member).').waitFor();
    const accounts = await chrome.open('accounts.html');
    await accounts.getByRole('heading', { name: 'Mailboxes' }).waitFor();
    await accounts.waitForTimeout(500);
    expect(await accounts.getByRole('region', { name: 'Members' }).count()).toBe(0);
    await accounts.close();
    await signOut(token);
  });

  it('a teammate signs in through the Microsoft stand-in, and signs out', async () => {
    world.microsoft.nextConsent({ as: 'cy@acme.test' });
    const token = await signIn('cy@acme.test', (win) => win.getByRole('button', { name: 'Continue with Microsoft' }).click());
    expect(await me(token)).toMatchObject({ email: 'cy@acme.test', role: 'member' });
    await signOut(token);
  });

  it('an admin signs in through the Google stand-in and manages members on the accounts page', async () => {
    world.google.nextConsent({ as: 'boss@acme.test' });
    const token = await signIn('boss@acme.test', (win) => win.getByRole('button', { name: 'Continue with Google' }).click());
    expect(await me(token)).toMatchObject({ email: 'boss@acme.test', role: 'admin' });
    const mo = world.rg.client((await world.rg.users.add({ email: 'mo@acme.test', role: 'member' })).token);

    const accounts = await chrome.open('accounts.html');
    const members = accounts.getByRole('region', { name: 'Members' });
    await members.getByLabel('Role of mo@acme.test').waitFor();

    await members.getByLabel('Email address to invite').fill('newbie@acme.test');
    await members.getByLabel('Role of the invited person').selectOption('admin');
    await members.getByRole('button', { name: 'Invite' }).click();
    await members.getByText('Invited newbie@acme.test as admin. They can sign in from the extension for 7 days.').waitFor();
    await members.getByRole('button', { name: 'Withdraw the invitation of newbie@acme.test' }).waitFor();

    await members.getByLabel('Role of mo@acme.test').selectOption('admin');
    await members.getByText('mo@acme.test is now admin.').waitFor();
    expect(await (await mo.get('/api/me')).json()).toMatchObject({ role: 'admin' });
    await members.getByLabel('Role of mo@acme.test').selectOption('member');
    await members.getByText('mo@acme.test is now member.').waitFor();

    await members.getByRole('button', { name: 'Remove mo@acme.test' }).click();
    await members.getByLabel("mo@acme.test's mailboxes go to").selectOption({ label: 'boss@acme.test' });
    await members.getByRole('button', { name: 'Remove mo@acme.test now' }).click();
    await members.getByText('Removed mo@acme.test: their sign-ins stopped working at once.').waitFor();
    expect((await mo.get('/api/me')).status).toBe(401);

    // The last admin stays: the server's refusal is shown as it comes.
    await members.getByRole('button', { name: 'Remove boss@acme.test' }).click();
    await members.getByRole('button', { name: 'Remove boss@acme.test now' }).click();
    await members.getByText(/boss@acme.test is the last admin and cannot be removed/).waitFor();
    expect((await world.rg.client(token).get('/api/me')).status).toBe(200);
    await accounts.close();
  });
});
