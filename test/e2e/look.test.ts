/**
 * How the extension's pages look to everyone, measured in real Chromium with the built
 * extension against a real server: axe-core finds nothing on the popup, the options and the
 * accounts page (with a mailbox open, and the bulk import) in light and in dark mode; no text
 * is set smaller than 12 px; the mailbox chosen on the accounts page is marked by a bar that
 * stands out 3:1 from the page, not only by a faint background.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { createHttpServer, listen } from '../../server/http/serve.ts';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { freePort } from '../support/ports.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { saveToken } from '../support/options-page.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MIN_FONT_PX = 12;

let rg: TestRegrant;
let smtp: TestSmtp;
let imap: Dovecot;
let http: Server;
let chrome: ExtensionBrowser;
let admin: Client;
let serverUrl: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  imap = await startDovecot({ 'good@acme.test': 'pw', 'bad@acme.test': 'pw' });
  smtp = await startSmtp({ 'good@acme.test': 'pw', 'bad@acme.test': 'pw' });
  rg = await startRegrant();
  const port = await freePort();
  http = createHttpServer(rg.app.fetch);
  await listen(http, port, '127.0.0.1');
  serverUrl = `http://127.0.0.1:${port}`;
  admin = await rg.user('boss@acme.test', 'admin');
  const closedPort = await freePort();
  const mailboxes = {
    'good@acme.test': customMailbox('good@acme.test', smtp, imap, 'pw'),
    'bad@acme.test': customMailbox('bad@acme.test', smtp, imap, 'stale'),
    // Nothing listens there: the first check gets no answer.
    'down@acme.test': customMailbox('down@acme.test', { port: closedPort }, { port: closedPort }, 'pw'),
  };
  for (const [email, body] of Object.entries(mailboxes)) {
    ids[email] = ((await (await admin.post('/api/accounts', body)).json()) as AccountView).id;
    await admin.post(`/api/accounts/${ids[email]}/check`);
  }
  await admin.post('/api/messages', { accountId: ids['bad@acme.test'], to: 'lead@example.test', subject: 'Hi', text: 'Hi' });

  chrome = await launchWithExtension();
  await saveToken(await chrome.open('options.html'), serverUrl, admin.token, /^Saved\. Connected: 3 mailboxes/);
}, 120_000);

afterAll(async () => {
  await chrome?.close();
  await new Promise((r) => (http ? http.close(r) : r(null)));
  await Promise.all([rg?.destroy(), smtp?.stop(), imap?.stop()]);
});

/** Each page as a person finds it, ready to be measured. */
const PAGES: Record<string, (page: Page) => Promise<void>> = {
  popup: async (page) => {
    await page.setViewportSize({ width: 380, height: 600 });
    await page.getByRole('list', { name: 'Mailboxes' }).waitFor();
  },
  options: async (page) => {
    await page.getByLabel('Server URL').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/^Connected: 3 mailboxes/).waitFor();
  },
  accounts: async (page) => {
    await page.locator('.item.current').waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByText('Regrant server').waitFor();
  },
  'bulk import': async (page) => {
    await page.getByRole('button', { name: 'Add in bulk' }).click();
    await page.getByRole('heading', { name: 'Choose a CSV file' }).waitFor();
  },
};
const FILES: Record<string, () => string> = {
  popup: () => 'popup.html',
  options: () => 'options.html',
  accounts: () => `accounts.html#${ids['bad@acme.test']}`,
  'bulk import': () => 'accounts.html',
};

/** axe-core's violations on the page, one line each; the rule that a name contains its visible label is on too. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugger, which the page's script policy does not govern.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> }> }> } }).axe;
    // label-content-name-mismatch is experimental, so off unless asked for.
    const result = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
    return result.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join('; ')}`);
  });
}

async function openAs(name: string, scheme: 'light' | 'dark'): Promise<Page> {
  const page = await chrome.context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`chrome-extension://${chrome.extensionId}/${FILES[name]()}`);
  await PAGES[name](page);
  return page;
}

describe('import results', () => {
  it('break long addresses only before the @ and after dots, never inside a name', async () => {
    const auth = { authorization: `Bearer ${admin.token}` };
    const addresses = ['christopher.montgomery-wellington@subsidiary.internationalholdings.test', 'alexandrina.featherstonehaugh@logistics.northwestern-distribution.test'];
    const csv = ['email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port', ...addresses.map((a) => `${a},smtp.acme.test,70000,${a},pw,imap.acme.test,993`)].join('\n');
    const upload = (await (await fetch(`${serverUrl}/api/imports`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv })).json()) as { id: string; suggestedMapping: object };
    const run = await fetch(`${serverUrl}/api/imports/${upload.id}/run`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ mapping: upload.suggestedMapping, updateExisting: false }) });
    expect(run.status).toBe(202);
    await eventually(async () => ((await (await fetch(`${serverUrl}/api/imports/${upload.id}`, { headers: auth })).json()) as { state: string }).state === 'finished');

    const page = await chrome.context.newPage();
    try {
      await page.setViewportSize({ width: 640, height: 800 });
      await page.goto(`chrome-extension://${chrome.extensionId}/accounts.html`);
      await page.getByRole('button', { name: 'Add in bulk' }).click();
      await page.getByRole('button', { name: 'Show its results' }).click();
      await page.getByRole('region', { name: 'Rows of the file' }).waitFor();
      // Each line of each address cell: where it starts, read from the characters' boxes.
      const lines = await page.evaluate(() =>
        [...document.querySelectorAll('.results td.email')].map((cell) => {
          const chars: Array<{ ch: string; top: number }> = [];
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.textContent!.length; i++) {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              chars.push({ ch: node.textContent![i], top: Math.round(range.getBoundingClientRect().top) });
            }
          }
          const text: string[] = [];
          chars.forEach((c, i) => {
            if (i === 0 || c.top > chars[i - 1].top) text.push(c.ch);
            else text[text.length - 1] += c.ch;
          });
          return text;
        }),
      );
      expect(lines.map((l) => l.join(''))).toEqual(addresses);
      expect(lines.some((l) => l.length > 1)).toBe(true); // the page is narrow enough to wrap them
      for (const parts of lines) for (const [i, part] of parts.entries()) if (i > 0) expect(part.startsWith('@') || parts[i - 1].endsWith('.'), parts.join(' | ')).toBe(true);
      // The reason names the field as the mapping step does.
      expect(await page.locator('.results tbody tr').first().textContent()).toContain('SMTP port: "70000" is not a port');
    } finally {
      await page.close();
    }
  });
});

describe.each(['light', 'dark'] as const)('in %s mode', (scheme) => {
  it.each(Object.keys(PAGES))('axe-core finds no violation on the %s page', async (name) => {
    const page = await openAs(name, scheme);
    try {
      expect(await axeViolations(page)).toEqual([]);
      // The page has its one main landmark.
      expect(await page.getByRole('main').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('the same run does see what it is meant to: a button named unlike its label, a nameless one', async () => {
    const page = await openAs('popup', scheme);
    try {
      await page.evaluate(() => {
        document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button aria-label="Copy a re-authentication link for x@acme.test">Copy link</button><button></button>');
      });
      expect((await axeViolations(page)).map((v) => v.split(':')[0]).sort()).toEqual(['button-name', 'label-content-name-mismatch']);
    } finally {
      await page.close();
    }
  });

  it.each(Object.keys(PAGES))(`no text on the %s page is smaller than ${MIN_FONT_PX} px`, async (name) => {
    const page = await openAs(name, scheme);
    try {
      const sizes = await page.evaluate(() => {
        const found: Array<{ text: string; px: number }> = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent?.trim();
          const element = node.parentElement;
          if (!text || !element || !element.getClientRects().length) continue;
          found.push({ text: text.slice(0, 40), px: parseFloat(getComputedStyle(element).fontSize) });
        }
        // Form controls show their value or options as text too.
        for (const control of document.querySelectorAll('input, select, button, textarea')) {
          if (control.getClientRects().length) found.push({ text: `<${control.tagName.toLowerCase()}>`, px: parseFloat(getComputedStyle(control).fontSize) });
        }
        return found;
      });
      expect(sizes.length).toBeGreaterThan(5);
      expect(sizes.filter((s) => s.px < MIN_FONT_PX)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the chosen mailbox on the accounts page is marked by a bar of at least 3:1 against the page', async () => {
    const page = await openAs('accounts', scheme);
    try {
      const marks = await page.evaluate(() => {
        const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
        const luminance = (css: string) => {
          const [r, g, b] = rgb(css).slice(0, 3).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const contrast = (a: string, b: string) => {
          const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
          return (hi + 0.05) / (lo + 0.05);
        };
        const page = getComputedStyle(document.body).backgroundColor;
        const bar = (el: Element) => {
          const style = getComputedStyle(el);
          return { width: parseFloat(style.borderLeftWidth), color: style.borderLeftColor, alpha: rgb(style.borderLeftColor)[3] ?? 1 };
        };
        const current = bar(document.querySelector('.item.current')!);
        const other = bar(document.querySelector('.item:not(.current)')!);
        return { width: current.width, contrast: contrast(current.color, page), otherAlpha: other.width === 0 ? 0 : other.alpha };
      });
      expect(marks.width).toBeGreaterThanOrEqual(3);
      expect(marks.contrast).toBeGreaterThanOrEqual(3);
      expect(marks.otherAlpha).toBe(0); // the others have no visible bar
    } finally {
      await page.close();
    }
  });
});
