import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup, type PopupDeps } from '../../components/Popup.tsx';
import theme from '../../components/theme.css?inline';
import { createApi } from '../../utils/api.ts';
import { pollNow } from '../../utils/messages.ts';
import { accountsPageUrl } from '../../utils/pages.ts';
import { pollStateItem, readCachedPoll } from '../../utils/poll.ts';
import { POPUP_MARKS } from '../../utils/popup-marks.ts';
import { loadSettings } from '../../utils/settings.ts';
import popupStyle from './popup.css?inline';

performance.mark(POPUP_MARKS.codeRunning);
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
void readCachedPoll()
  .catch(() => null)
  .then((cached) => {
    performance.mark(POPUP_MARKS.cacheRead);
    render(<Popup deps={deps} cached={cached} />, document.getElementById('app')!);
  });
