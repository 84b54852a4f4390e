/**
 * Every string the extension shows: `t(key, ...substitutions)` looks a message up in the
 * person's language through `browser.i18n` (catalogs in `extension/locales/`). A key missing
 * from the catalogs is a bug a test finds (`test/extension/i18n-keys.test.ts`), so `t` never
 * hides it: it shows the key itself, which is visible in review rather than blank.
 *
 * Numbers and dates follow the browser's language too: `formatCount(1234)` → "1,234" in
 * English, "1.234" in German.
 *
 * @example
 *   t('extName');                // "Regrant"
 *   formatCount(12000);          // "12,000"
 */
import { browser } from 'wxt/browser';

// WXT types the names of `public/_locales` only; the catalogs are merged at build time.
type PlainI18n = { getMessage(key: string, substitutions?: string[]): string };
const getMessage = (key: string, substitutions: string[]): string => (browser.i18n as unknown as PlainI18n).getMessage(key, substitutions);

export function t(key: string, ...substitutions: Array<string | number>): string {
  const text = getMessage(key, substitutions.map(String));
  return text || key;
}

/** The language the browser shows its own interface in, for numbers and dates. */
export function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage() || 'en';
  } catch {
    return 'en';
  }
}

let counts: Intl.NumberFormat | undefined;

/** A count in the browser's language: "12,000". */
export function formatCount(n: number): string {
  counts ??= new Intl.NumberFormat(uiLanguage());
  return counts.format(n);
}
