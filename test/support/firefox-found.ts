/**
 * Playwright-style finders (getByRole, getByLabel, getByText, locator) over puppeteer-core,
 * for Firefox: roles go through the accessibility tree (BiDi `locateNodes`),
 * texts through puppeteer's text query. Like Playwright's locators they are lazy, wait for
 * their element, and an action on more than one element is an error unless `first()` is asked.
 * Labels are read from the DOM, as Playwright does.
 *
 * @example
 *   const form = foundIn(page, root, 15_000).getByRole('form', { name: 'Sending (SMTP)' });
 *   await form.getByLabel('Password').fill('secret');
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, JSHandle, Page } from 'puppeteer-core';
import type { Finders, Found } from './extension-browser.ts';

type Handle = ElementHandle<Element>;
type Query = (root: Handle) => Promise<Handle[]>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every element under `root` whose own text matches `pattern`, the smallest ones. */
async function byPattern(root: Handle, pattern: RegExp): Promise<Handle[]> {
  const list = await root.evaluateHandle(
    (el, source, flags) => {
      const re = new RegExp(source, flags);
      const text = (e: Element) => (e.textContent ?? '').replace(/\s+/g, ' ').trim();
      return [...el.querySelectorAll('*')].filter((e) => re.test(text(e)) && ![...e.children].some((c) => re.test(text(c))));
    },
    pattern.source,
    pattern.flags,
  );
  return handlesOf(list);
}

async function handlesOf(list: JSHandle<Element[]>): Promise<Handle[]> {
  const items = [...(await list.getProperties()).values()].map((h) => h.asElement() as Handle | null);
  await list.dispose();
  return items.filter((h): h is Handle => h !== null);
}

/** The fields under `root` labelled `label` by a <label>, aria-labelledby or aria-label, as Playwright's getByLabel. */
async function byLabel(root: Handle, label: string): Promise<Handle[]> {
  const list = await root.evaluateHandle((el, want) => {
    const norm = (t: string | null | undefined) => (t ?? '').replace(/\s+/g, ' ').trim();
    const named = (f: HTMLInputElement) =>
      norm(f.getAttribute('aria-label')) === want ||
      (f.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((id) => norm(document.getElementById(id)?.textContent) === want) ||
      [...(f.labels ?? [])].some((l) => {
        // A label's text without the fields inside it (a <select>'s options are not its label).
        const text = l.cloneNode(true) as HTMLElement;
        text.querySelectorAll('input, select, textarea').forEach((c) => c.remove());
        return norm(text.textContent) === want;
      });
    return [...el.querySelectorAll<HTMLInputElement>('input, select, textarea')].filter(named);
  }, label);
  return handlesOf(list);
}

function fileOnDisk(file: { name: string; buffer: Buffer }): string {
  const where = path.join(mkdtempSync(path.join(os.tmpdir(), 'regrant-upload-')), file.name);
  writeFileSync(where, file.buffer);
  return where;
}

function found(page: Page, roots: () => Promise<Handle[]>, query: Query, what: string, stepMs: number, onlyFirst = false): Found {
  const all = async (): Promise<Handle[]> => {
    const out: Handle[] = [];
    for (const root of await roots()) out.push(...(await query(root)));
    return onlyFirst ? out.slice(0, 1) : out;
  };
  // Waits for the element; elements that vanish with a re-render or a navigation are looked up again.
  const one = async (timeout = stepMs): Promise<Handle> => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const handles = await all().catch(() => []);
      if (handles.length > 1) throw new Error(`${what}: ${handles.length} elements, expected one`);
      if (handles.length === 1) return handles[0];
      if (Date.now() > deadline) throw new Error(`${what}: not found within ${timeout} ms`);
      await pause(100);
    }
  };
  const within = (q: Query, w: string) => found(page, async () => [await one()], q, `${what} → ${w}`, stepMs);
  return {
    ...finders(within),
    waitFor: async (options) => void (await one(options?.timeout)),
    click: async () => (await one()).click(),
    async fill(value) {
      const field = await one();
      await field.focus();
      await field.evaluate((el) => (el as HTMLInputElement).select());
      await page.keyboard.press('Backspace');
      await field.type(value);
    },
    async check() {
      const box = await one();
      if (!(await box.evaluate((el) => (el as HTMLInputElement).checked))) await box.click();
    },
    selectOption: async (value) => (await one()).select(value),
    inputValue: async () => (await one()).evaluate((el) => (el as HTMLInputElement).value),
    textContent: async () => (await one()).evaluate((el) => el.textContent),
    allTextContents: async () => Promise.all((await all()).map((h) => h.evaluate((el) => el.textContent ?? ''))),
    count: async () => (await all()).length,
    first: () => found(page, roots, query, `${what} (first)`, stepMs, true),
    async setInputFiles(file) {
      await ((await one()) as ElementHandle<HTMLInputElement>).uploadFile(fileOnDisk(file));
    },
  };
}

function finders(within: (q: Query, what: string) => Found): Finders {
  return {
    getByRole: (role, { name }) => within((r) => r.$$(`aria/${name}[role="${role}"]`), `${role} "${name}"`),
    getByLabel: (label) => within((r) => byLabel(r, label), `field "${label}"`),
    getByText: (text) => within((r) => (typeof text === 'string' ? r.$$(`text/${text}`) : byPattern(r, text)), `text ${text}`),
    locator: (selector) => within((r) => r.$$(selector), selector),
  };
}

/** The finders of a page: `root` answers its document element (anew after each navigation). */
export function foundIn(page: Page, root: () => Promise<Handle>, stepMs: number): Finders {
  return finders((q, what) => found(page, async () => [await root()], q, what, stepMs));
}
