/**
 * Messages from extension pages to the background. The popup asks for a fresh status when
 * it opens; the options page after saving.
 */
import { browser } from 'wxt/browser';
import type { PollState } from './poll.ts';

export type Message = { type: 'poll-now' };

export function isMessage(value: unknown): value is Message {
  return (value as Message | null)?.type === 'poll-now';
}

/** Asks the background to poll now; answers the new state. */
export function pollNow(): Promise<PollState | null> {
  return browser.runtime.sendMessage({ type: 'poll-now' } satisfies Message) as Promise<PollState | null>;
}
