/**
 * The background's work: poll on an alarm, at browser start and on demand; keep the badge
 * true; announce each new incident once. `entrypoints/background.ts` only calls this.
 */
import type { browser as extensionBrowser } from 'wxt/browser';

type Browser = typeof extensionBrowser;
import type { AccountStatus, StatusResponse } from '../../shared/api.ts';
import { badgeFor, showBadge } from './badge.ts';
import { formatCount, t } from './i18n.ts';
import { announcedItem, newIncidents } from './incidents.ts';
import { fromThisExtension, isMessage } from './messages.ts';
import { accountsPageUrl, optionsPageUrl } from './pages.ts';
import { pollStateItem, type Poller, type PollState } from './poll.ts';
import { apiTokenItem, loadSettings, pollSecondsItem, serverUrlItem } from './settings.ts';

export const POLL_ALARM = 'poll';
const NOTIFICATION_PREFIX = 'regrant:';
/** More new incidents than this at once become one summary instead of a pile of toasts. */
const MAX_SEPARATE_NOTIFICATIONS = 3;
const SETTINGS_SETTLE_MS = 30;

export function startBackground(browser: Browser, poller: Poller) {
  async function schedule(): Promise<void> {
    const { pollSeconds } = await loadSettings();
    await browser.alarms.create(POLL_ALARM, { periodInMinutes: pollSeconds / 60, delayInMinutes: pollSeconds / 60 });
  }

  // One announcement at a time: two polls finishing together must not both see an incident as new.
  let announcing: Promise<void> = Promise.resolve();

  async function refresh(): Promise<PollState> {
    const state = await poller.poll();
    await showBadge(browser.action, badgeFor(state));
    const { status } = state;
    if (status && !state.problem) {
      announcing = announcing.then(() => announce(state.source, status)).catch(() => undefined);
      await announcing;
    }
    return state;
  }

  async function announce(source: string, status: StatusResponse): Promise<void> {
    const { fresh, announced } = newIncidents(await announcedItem.getValue(), source, status);
    await announcedItem.setValue(announced);
    if (fresh.length > MAX_SEPARATE_NOTIFICATIONS) {
      await notify('', t('notify_manyTitle', formatCount(fresh.length)), t('notify_manyText'));
      return;
    }
    for (const account of fresh) await notify(account.id, t('notify_oneTitle', account.email), incidentText(account));
  }

  async function notify(accountId: string, title: string, message: string): Promise<void> {
    await browser.notifications.create(`${NOTIFICATION_PREFIX}${accountId}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message,
    });
  }

  const start = () => void schedule().then(refresh);
  // The worker also starts without install or browser start (the extension re-enabled, the
  // worker woken after being stopped): make sure the alarm exists and the badge is not stale.
  void (async () => {
    const [alarm, known] = await Promise.all([browser.alarms.get(POLL_ALARM), pollStateItem.getValue()]);
    if (!alarm) await schedule();
    if (!known) await refresh();
  })();
  browser.runtime.onInstalled.addListener(({ reason }) => {
    start();
    // A new user would otherwise see only a grey "?": the options say what to enter.
    if (reason === 'install') void browser.tabs.create({ url: optionsPageUrl(browser, true) });
  });
  browser.runtime.onStartup.addListener(start);
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === POLL_ALARM) void refresh();
  });
  browser.runtime.onMessage.addListener((message: unknown, sender) => (fromThisExtension(sender, browser.runtime.id) && isMessage(message) ? refresh() : undefined));
  // Saving the options polls at once with the new server, token and interval: the three
  // values land one after another, so their changes are taken together.
  let saving: ReturnType<typeof setTimeout> | undefined;
  const settingsChanged = () => {
    clearTimeout(saving);
    saving = setTimeout(start, SETTINGS_SETTLE_MS);
  };
  for (const item of [serverUrlItem, apiTokenItem, pollSecondsItem]) item.watch(settingsChanged);
  browser.notifications.onClicked.addListener((id) => {
    if (!id.startsWith(NOTIFICATION_PREFIX)) return;
    void browser.notifications.clear(id);
    void browser.tabs.create({ url: accountsPageUrl(browser, id.slice(NOTIFICATION_PREFIX.length) || null) });
  });

  return { refresh, schedule };
}

function incidentText(account: AccountStatus): string {
  return t('notify_oneText', account.reason?.message ?? t('notify_lostLogin'));
}
