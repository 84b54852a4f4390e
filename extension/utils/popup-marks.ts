/**
 * The performance marks of the popup's opening, which `bench/popup.ts` reads to say where the
 * time goes: navigation start → the popup's code running → the cached list read → the list
 * committed to the page (then painted: the page's first contentful paint).
 */
export const POPUP_MARKS = {
  codeRunning: 'regrant:code-running',
  cacheRead: 'regrant:cache-read',
  firstList: 'regrant:first-list',
} as const;
