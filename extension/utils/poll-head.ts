/**
 * The popup's first page of the list, kept by utils/poll.ts beside the whole list, and how the
 * popup asks for it. A module with no imports of Regrant's own: the popup's script imports it
 * (through entrypoints/popup/first-read.ts) before anything else, so that this read reaches the
 * browser before the reads other modules start as they load (the settings' storage items).
 *
 * @example
 *   const asked = askPollHead(); // later: pollHeadIn(await asked)
 */
import { browser } from 'wxt/browser';

export const POLL_HEAD_KEY = 'pollHead';
/** When the server last answered and what went wrong, kept apart: a poll that changes nothing writes only this. */
export const POLL_META_KEY = 'pollMeta';

/** Asks `storage.local` for the first page and the last poll's time; answers the raw items. */
export const askPollHead = (): Promise<Record<string, unknown>> => browser.storage.local.get([POLL_HEAD_KEY, POLL_META_KEY]);
