/**
 * The popup's code, built as one classic script (`popup-main.js`, an unlisted script: WXT
 * bundles it alone, as an IIFE) that `popup/index.html` runs at the end of its body: no module
 * graph to fetch, no shared chunks, no preload chain before its first line runs.
 */
// First: the read of the cached list, before any other module runs (see first-read.ts).
import { firstRead } from './popup/first-read.ts';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { Popup, type PopupDeps } from '../components/Popup.tsx';
import theme from '../components/theme.css?inline';
import { createApi } from '../utils/api.ts';
import { pollNow } from '../utils/messages.ts';
import { accountsPageUrl } from '../utils/pages.ts';
import { pollStateItem, readCachedPoll } from '../utils/poll.ts';
import { POPUP_MARKS } from '../utils/popup-marks.ts';
import { loadSettings } from '../utils/settings.ts';
import popupStyle from './popup/popup.css?inline';

export default defineUnlistedScript(() => {
  performance.mark(POPUP_MARKS.codeRunning);
  const cached = readCachedPoll(firstRead).catch(() => null);
  // The styles travel inside the script: two stylesheets fewer to fetch before the popup shows.
  document.head.append(Object.assign(document.createElement('style'), { textContent: theme + popupStyle }));

  const deps: PopupDeps = {
    watchState: (listener) => pollStateItem.watch(listener),
    pollNow,
    readCached: () => pollStateItem.getValue(),
    api: async () => createApi(await loadSettings()),
    openTab: async (url) => void (await browser.tabs.create({ url })),
    openAccounts: (id) => void browser.tabs.create({ url: accountsPageUrl(browser, id) }),
    openOptions: () => void browser.runtime.openOptionsPage(),
    writeClipboard: (text) => navigator.clipboard.writeText(text),
    now: () => new Date(),
  };

  // The first render waits for the cached list, so that the first frame already shows it
  // (rather than a "Checking…" frame that the list replaces a moment later).
  void cached.then((first) => {
    performance.mark(POPUP_MARKS.cacheRead);
    render(<Popup deps={deps} cached={first} />, document.getElementById('app')!);
  });
});
