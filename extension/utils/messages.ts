/**
 * Messages from extension pages to the background. The popup asks for a fresh status when
 * it opens; the options page after saving.
 */
import { browser } from 'wxt/browser';
import type { PollState } from './poll.ts';

export type Message = { type: 'poll-now' };

/**
 * Whether a message comes from this extension (its popup, options and accounts pages): nothing
 * else, another extension included, may make the background act.
 *
 * @example browser.runtime.onMessage.addListener((m, sender) => (fromThisExtension(sender, browser.runtime.id) && isMessage(m) ? refresh() : undefined));
 */
export function fromThisExtension(sender: { id?: string } | undefined, ownId: string): boolean {
  return !!ownId && sender?.id === ownId;
}

export function isMessage(value: unknown): value is Message {
  return (value as Message | null)?.type === 'poll-now';
}

/** Asks the background to poll now; answers the new state. */
export function pollNow(): Promise<PollState | null> {
  return browser.runtime.sendMessage({ type: 'poll-now' } satisfies Message) as Promise<PollState | null>;
}
