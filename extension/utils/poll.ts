/**
 * One poll of `GET /api/status`: conditional on the last ETag, remembered in
 * `storage.session` so the popup opens instantly with the last known list.
 *
 * @example
 *   const poller = createPoller({ loadSettings, makeApi: createApi });
 *   const state = await poller.poll(); // state.problem is null when the server answered
 */
import type { StatusResponse } from '../../shared/api.ts';
import { storage } from 'wxt/utils/storage';
import { problemOf, type Api, type ApiErrorCode, type ApiOptions } from './api.ts';
import { isConfigured, type Settings } from './settings.ts';

export interface PollState {
  /** The server the cached status came from; another server or token starts afresh. */
  source: string;
  status: StatusResponse | null;
  etag: string | null;
  /** Why the latest poll could not tell the state; null when the server answered. */
  problem: { code: ApiErrorCode; message: string } | null;
  /** When the server last answered. */
  checkedAt: string | null;
}

export const pollStateItem = storage.defineItem<PollState | null>('session:pollState', { fallback: null });

export interface PollerDeps {
  loadSettings: () => Promise<Settings>;
  makeApi: (options: ApiOptions) => Api;
  now?: () => Date;
}

const sourceOf = (s: Settings) => `${s.serverUrl}\n${s.apiToken.slice(0, 8)}`;

export function createPoller({ loadSettings, makeApi, now = () => new Date() }: PollerDeps) {
  let inFlight: Promise<PollState> | null = null;

  async function pollOnce(): Promise<PollState> {
    const settings = await loadSettings();
    const source = sourceOf(settings);
    const cached = await pollStateItem.getValue();
    const previous = cached?.source === source ? cached : null;
    let next: PollState;
    if (!isConfigured(settings)) {
      next = { source, status: null, etag: null, checkedAt: null, problem: { code: 'not_configured', message: 'Open the options and enter your Regrant server URL and API token.' } };
    } else {
      try {
        const answer = await makeApi(settings).status(previous?.status ? previous.etag : null);
        const checkedAt = now().toISOString();
        next = answer.changed
          ? { source, status: answer.status, etag: answer.etag, checkedAt, problem: null }
          : { ...previous!, checkedAt, problem: null };
      } catch (error) {
        // Keep the last list to show (marked stale), but never pretend it is current.
        next = { source, status: previous?.status ?? null, etag: previous?.etag ?? null, checkedAt: previous?.checkedAt ?? null, problem: problemOf(error) };
      }
    }
    await pollStateItem.setValue(next);
    return next;
  }

  return {
    /** Polls now; a poll already under way is shared rather than doubled. */
    poll(): Promise<PollState> {
      inFlight ??= pollOnce().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;
