/**
 * What an end-to-end story needs from a browser with the built extension, the same for
 * Chromium (chromium.ts, playwright-core) and Firefox (firefox.ts, puppeteer-core over
 * WebDriver BiDi): the stories are written once and run in both.
 *
 * The finders follow Playwright's words (getByRole, getByLabel, getByText, locator), so in
 * Chromium a Locator is a `Found` as it is; Firefox implements the same small subset.
 *
 * @example
 *   const browser = await launchExtensionBrowser('firefox');
 *   const popup = await browser.open('popup.html');
 *   await popup.getByRole('button', { name: 'Re-grant mia@acme.test' }).click();
 *   expect(await browser.badge()).toMatchObject({ text: '2' });
 */
export type BrowserName = 'chromium' | 'firefox';
export const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** The roles the stories look for. */
export type Role = 'button' | 'heading' | 'list' | 'form' | 'region';

export interface Finders {
  /** By ARIA role and exact accessible name. */
  getByRole(role: Role, options: { name: string; exact?: boolean }): Found;
  /** A form field by its label (exact accessible name). */
  getByLabel(label: string, options?: { exact?: boolean }): Found;
  /** The smallest element whose text contains `text` (or matches the pattern). */
  getByText(text: string | RegExp): Found;
  /** By CSS selector. */
  locator(selector: string): Found;
}

/** Elements found lazily: each action waits for the first one to be there. */
export interface Found extends Finders {
  waitFor(options?: { timeout?: number }): Promise<void>;
  click(): Promise<void>;
  fill(value: string): Promise<void>;
  check(): Promise<void>;
  /** Chooses the option of a <select> with this value. */
  selectOption(value: string): Promise<unknown>;
  inputValue(): Promise<string>;
  textContent(): Promise<string | null>;
  allTextContents(): Promise<string[]>;
  count(): Promise<number>;
  first(): Found;
  setInputFiles(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void>;
}

export interface TestPage extends Finders {
  /** The address the page is at now. */
  url(): Promise<string>;
  /** Runs `fn` in the page (it is sent as source: no closures). */
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  press(key: 'Tab' | 'Enter'): Promise<void>;
  /** Runs `trigger` and answers the file the page then downloads. */
  download(trigger: () => Promise<void>): Promise<{ name: string; text: string }>;
  close(): Promise<void>;
}

export interface ExtensionBrowser {
  name: BrowserName;
  /** Opens an extension page (`popup.html`, `options.html#x`) in a new tab. */
  open(page: string): Promise<TestPage>;
  /** Runs `trigger` and answers the tab it opens (the extension opening a consent page). */
  nextTab(trigger: () => Promise<void>): Promise<TestPage>;
  /** The toolbar badge: its text, background colour as [r, g, b, a], and the button's title. */
  badge(): Promise<{ text: string; color: number[]; title: string }>;
  /**
   * Whether the background runs now; only where it is unloaded when idle within a story's
   * time (Firefox's event page, here after a few seconds).
   */
  backgroundRunning?(): Promise<boolean>;
  close(): Promise<void>;
}

/** Reads the toolbar badge; runs inside an extension page or worker (sent as source). */
export async function readBadge(): Promise<{ text: string; color: number[]; title: string }> {
  type Action = Record<'getBadgeText' | 'getBadgeBackgroundColor' | 'getTitle', (details: object) => Promise<never>>;
  const api = globalThis as unknown as { browser?: { action: Action }; chrome: { action: Action } };
  const action = (api.browser ?? api.chrome).action;
  const [text, color, title] = await Promise.all([action.getBadgeText({}), action.getBadgeBackgroundColor({}), action.getTitle({})]);
  return { text: text as string, color: color as number[], title: title as string };
}

/** Starts `name` with the built extension loaded; pages may read the clipboard. */
export async function launchExtensionBrowser(name: BrowserName): Promise<ExtensionBrowser> {
  if (name === 'chromium') return (await import('./chromium.ts')).launchChromium();
  return (await import('./firefox.ts')).launchFirefox();
}
