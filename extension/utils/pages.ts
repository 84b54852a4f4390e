import type { browser as extensionBrowser } from 'wxt/browser';

type Browser = typeof extensionBrowser;

/** The options page; `#welcome` on the first install says what to do first. */
export function optionsPageUrl(browser: Browser, welcome = false): string {
  return browser.runtime.getURL('/options.html') + (welcome ? '#welcome' : '');
}

/** The accounts page, opened at one mailbox when `accountId` is given. */
export function accountsPageUrl(browser: Browser, accountId: string | null): string {
  const base = browser.runtime.getURL('/accounts.html');
  return accountId ? `${base}#${encodeURIComponent(accountId)}` : base;
}
