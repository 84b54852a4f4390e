/**
 * One poll of `GET /api/status`: conditional on the last ETag, and asking only what changed
 * since the version of the list kept in `storage.local` (the popup opens instantly with it, and
 * a browser restarted keeps it: 10,000 mailboxes are 2 MB, one change a few hundred bytes).
 *
 * @example
 *   const poller = createPoller({ loadSettings, makeApi: createApi });
 *   const state = await poller.poll(); // state.problem is null when the server answered
 */
import type { StatusResponse } from '../../shared/api.ts';
import { browser } from 'wxt/browser';
import { problemOf, type Api, type ApiErrorCode, type ApiOptions } from './api.ts';
import { orderAccounts, PAGE_SIZE } from './accounts.ts';
import { isConfigured, type Settings } from './settings.ts';
import { applyStatusDelta, isStatusDelta } from './status-delta.ts';
import { askPollHead, POLL_HEAD_KEY, POLL_META_KEY } from './poll-head.ts';
import { t } from './i18n.ts';

export interface PollState {
  /** The server the cached status came from; another server or token starts afresh. */
  source: string;
  status: StatusResponse | null;
  etag: string | null;
  /** Why the latest poll could not tell the state; null when the server answered. */
  problem: { code: ApiErrorCode; message: string } | null;
  /** When the server last answered. */
  checkedAt: string | null;
  /** Only the first page of the list, in the popup's order (the popup's first frame); the whole list is under `pollState`. */
  partial?: boolean;
}

// Kept as one JSON string: the browser stores a string in a blink, while 500 mailboxes as
// objects cost it ~100 ms to convert on every read, which the popup pays before its first paint.
// Raw `storage.local` rather than WXT's `storage.defineItem`: a defined item reads its value
// the moment its module loads, so the popup would fetch the whole list twice before showing it.
const POLL_STATE_KEY = 'pollState';
// Beside it, the same with only the popup's first page of rows: 10,000 mailboxes are ~3 MB,
// which take ~90 ms to read and parse, before the popup could show anything.
// And beside both, the time of the last answer and its problem: a poll that finds nothing new
// (a 304, or the server away) writes only that, never the ~3 MB list again.
type PollMeta = Pick<PollState, 'source' | 'checkedAt' | 'problem'>;
const metaOf = ({ source, checkedAt, problem }: PollState): PollMeta => ({ source, checkedAt, problem });
const parsed = <T>(text: unknown): T | null => (typeof text === 'string' && text ? (JSON.parse(text) as T) : null);
/** The state kept under `key`, with the last poll's time and problem when they are of the same source. */
const stateIn = (key: string) => (items: Record<string, unknown>): PollState | null => {
  const state = parsed<PollState>(items[key]);
  const meta = parsed<PollMeta>(items[POLL_META_KEY]);
  return state && meta?.source === state.source ? { ...state, checkedAt: meta.checkedAt, problem: meta.problem } : state;
};
const pollStateIn = stateIn(POLL_STATE_KEY);
const pollHeadIn = stateIn(POLL_HEAD_KEY);

/** What the popup shows first: the state with only the rows of its first page, in its order. */
export function headOf(state: PollState): PollState {
  if (!state.status || state.status.accounts.length <= PAGE_SIZE) return state;
  return { ...state, status: { ...state.status, accounts: orderAccounts(state.status.accounts).slice(0, PAGE_SIZE) }, partial: true };
}

/** The last poll, in `storage.local`: the popup shows it at once. */
export const pollStateItem = {
  getValue: async (): Promise<PollState | null> => pollStateIn(await browser.storage.local.get([POLL_STATE_KEY, POLL_META_KEY])),
  /** `listChanged` false: only the time and problem changed, and only they are written. */
  setValue(state: PollState | null, listChanged = true): Promise<void> {
    if (!state) return browser.storage.local.remove([POLL_STATE_KEY, POLL_HEAD_KEY, POLL_META_KEY]);
    const items: Record<string, string> = { [POLL_META_KEY]: JSON.stringify(metaOf(state)) };
    if (listChanged) Object.assign(items, { [POLL_STATE_KEY]: JSON.stringify(state), [POLL_HEAD_KEY]: JSON.stringify(headOf(state)) });
    return browser.storage.local.set(items);
  },
  /** Hears every stored poll, in order: a new list as written, a new time with the list it belongs to. */
  watch(listener: (state: PollState | null) => void): () => void {
    let heard = Promise.resolve();
    const changed = (changes: Record<string, { oldValue?: unknown; newValue?: unknown }>) => {
      const list = changes[POLL_STATE_KEY];
      const meta = changes[POLL_META_KEY];
      if (list && list.newValue !== list.oldValue) {
        const state = pollStateIn({ [POLL_STATE_KEY]: list.newValue, [POLL_META_KEY]: meta?.newValue });
        heard = heard.then(() => listener(state));
      } else if (meta && meta.newValue !== meta.oldValue && meta.newValue !== undefined) {
        heard = heard.then(async () => listener(await pollStateItem.getValue())).catch(() => undefined);
      }
    };
    browser.storage.local.onChanged.addListener(changed);
    return () => browser.storage.local.onChanged.removeListener(changed);
  },
};

/**
 * The last poll's first page (`partial` when the list is longer), for the popup's first render:
 * from the read `asked` already (the popup asks before its other modules run), else a read of
 * its own.
 */
export async function readCachedPoll(asked: Promise<Record<string, unknown>> = askPollHead()): Promise<PollState | null> {
  return pollHeadIn(await asked);
}

export interface PollerDeps {
  loadSettings: () => Promise<Settings>;
  makeApi: (options: ApiOptions) => Api;
  now?: () => Date;
}

/** Names the server and token a cached status belongs to, without keeping the token itself. */
export async function sourceOf(s: Settings): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${s.serverUrl}\n${s.apiToken}`));
  return Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createPoller({ loadSettings, makeApi, now = () => new Date() }: PollerDeps) {
  let inFlight: { source: string; promise: Promise<PollState> } | null = null;
  // One digest per settings: polls asked for together resolve it together, in order.
  let digest: { key: string; source: Promise<string> } | null = null;

  async function pollOnce(settings: Settings, source: string): Promise<PollState> {
    const cached = await pollStateItem.getValue();
    const previous = cached?.source === source ? cached : null;
    let next: PollState;
    if (!isConfigured(settings)) {
      next = { source, status: null, etag: null, checkedAt: null, problem: { code: 'not_configured', message: t('errors_notConfigured') } };
    } else {
      try {
        const kept = previous?.status ?? null;
        const answer = await makeApi(settings).statusSince(kept ? previous!.etag : null, kept?.version);
        const checkedAt = now().toISOString();
        if (!answer.changed) next = { ...previous!, checkedAt, problem: null };
        else {
          const status = isStatusDelta(answer.status) ? applyStatusDelta(kept!, answer.status) : answer.status;
          next = { source, status, etag: answer.etag, checkedAt, problem: null };
        }
      } catch (error) {
        // Keep the last list to show (marked stale), but never pretend it is current.
        next = { source, status: previous?.status ?? null, etag: previous?.etag ?? null, checkedAt: previous?.checkedAt ?? null, problem: problemOf(error) };
      }
    }
    // A 304 or a failure keeps the very list it had: only the time and the problem are new.
    const listChanged = !previous || next.status !== previous.status || next.etag !== previous.etag;
    await pollStateItem.setValue(next, listChanged);
    return next;
  }

  return {
    /**
     * Polls now. A poll already under way for the same server and token is shared rather
     * than doubled; one for settings that just changed runs again with the new ones after it.
     */
    async poll(): Promise<PollState> {
      const settings = await loadSettings();
      const key = `${settings.serverUrl}\n${settings.apiToken}`;
      if (digest?.key !== key) digest = { key, source: sourceOf(settings) };
      const source = await digest.source;
      if (inFlight?.source === source) return inFlight.promise;
      const before = inFlight?.promise.catch(() => null) ?? Promise.resolve(null);
      const promise: Promise<PollState> = before
        .then(() => pollOnce(settings, source))
        .finally(() => {
          if (inFlight?.promise === promise) inFlight = null;
        });
      inFlight = { source, promise };
      return promise;
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;
