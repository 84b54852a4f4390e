/**
 * The popup's first request: its cached first page, asked for as the popup's script starts,
 * before any other module of it runs (popup-main.tsx imports this first). Asked later, after
 * the settings' storage items had started their own reads, it answered ~6 ms later on the
 * benchmark's machine (docs/benchmarks.md, Popup).
 *
 * @example
 *   import { firstRead } from './popup/first-read.ts'; // first import of the popup's script
 *   const cached = await readCachedPoll(firstRead);
 */
import { askPollHead } from '../../utils/poll-head.ts';

export const firstRead = askPollHead();
