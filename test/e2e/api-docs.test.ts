/**
 * The API reference page in real Chromium, served by a real listener with its real headers:
 * the CSP lets its style sheet apply and blocks nothing it needs (no violation is reported),
 * nothing is fetched but the page, every link inside it leads to an anchor it has, and axe-core
 * finds no accessibility violation.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts';
import { startRegrant, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let server: Server;
let port: number;
let browser: Browser;

beforeAll(async () => {
  rg = await startRegrant();
  server = createHttpServer(rg.app.fetch);
  port = await listen(server, 0, '127.0.0.1');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await rg?.destroy();
});

it('/api/docs renders under its CSP, links only to itself, and passes axe-core', async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  const res = await page.goto(`http://127.0.0.1:${port}/api/docs`);
  expect(res?.status()).toBe(200);
  expect(requested).toEqual([`http://127.0.0.1:${port}/api/docs`]);
  expect(consoleErrors).toEqual([]);

  // The style sheet applied: its card border exists only if the CSP's hash let it in.
  expect(await page.locator('section.op').first().evaluate((e) => getComputedStyle(e).borderTopStyle)).toBe('solid');
  expect(await page.locator('h3', { hasText: '/api/accounts/{id}' }).count()).toBeGreaterThan(0);

  const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  const local = links.filter((h) => h.startsWith('#'));
  expect(links.filter((h) => !h.startsWith('#'))).toEqual(['/api/openapi.json']);
  for (const href of new Set(local)) expect(await page.locator(`[id="${href.slice(1)}"]`).count(), href).toBe(1);

  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(readFileSync('node_modules/axe-core/axe.min.js', 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run();
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);
});
