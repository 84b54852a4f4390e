/**
 * A custom mailbox's repair page in real Chromium, served by a real listener with its real
 * headers: the holder finds the password field by its label, a wrong password comes back with
 * the reason tied to the field, the right one reconnects the mailbox; no script runs, the CSP
 * blocks nothing the page needs, and axe-core finds no violation on either page.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts';
import { startCustomWorld, type CustomWorld } from '../support/custom-world.ts';

const MAILBOX = 'front@acme.test';
let world: CustomWorld;
let server: Server;
let port: number;
let browser: Browser;

beforeAll(async () => {
  world = await startCustomWorld(MAILBOX, 'front-1', {}, { WORKSPACE_NAME: 'Acme' });
  server = createHttpServer(world.rg.app.fetch);
  port = await listen(server, 0, '127.0.0.1');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await world?.stop();
});

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(readFileSync('node_modules/axe-core/axe.min.js', 'utf8'));
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run();
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

it('the holder types the new password into an accessible form with no script; a wrong one is named at its field', async () => {
  world.smtp.setPassword(MAILBOX, 'front-2');
  await world.imap.setPassword(MAILBOX, 'front-2');
  const checked = (await (await world.owner.post(`/api/accounts/${world.account.id}/check`)).json()) as AccountView;
  expect(checked.state).toBe('needs_reauth');
  const { url } = (await (await world.owner.post(`/api/accounts/${world.account.id}/share-link`)).json()) as { url: string };
  const local = `http://127.0.0.1:${port}${new URL(url).pathname}`;

  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  expect((await page.goto(local))?.status()).toBe(200);
  expect(await page.locator('script').count()).toBe(0);
  await expect(page.getByRole('heading', { name: `Reconnect ${MAILBOX}` }).count()).resolves.toBe(1);
  expect(await axeViolations(page)).toEqual([]);

  const field = page.getByLabel('New password');
  await field.fill('front-1');
  const [wrong] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save and reconnect' }).click()]);
  expect(wrong?.status()).toBe(422);
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  // The reason is the field's accessible description: a screen reader says it with the field.
  const description = await field.evaluate((input) => document.getElementById(input.getAttribute('aria-describedby')!)?.textContent ?? '');
  expect(description).toContain('The server for sending email (SMTP) did not accept this password.');
  expect(await axeViolations(page)).toEqual([]);

  await field.fill('front-2');
  const [done] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save and reconnect' }).click()]);
  expect(done?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Reconnected' }).count()).resolves.toBe(1);
  // The 422 of the wrong password is the only error the console saw: the CSP refused nothing.
  expect(consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  const after = (await (await world.owner.get(`/api/accounts/${world.account.id}`)).json()) as AccountView;
  expect(after.state).toBe('connected');
}, 60_000);
