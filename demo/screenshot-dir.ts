/**
 * Where `npm run demo:screenshots` writes: `.output/screenshots/` (ignored by git) unless a
 * folder is named, so a run to look leaves the work tree as it was; naming `docs/screenshots`
 * replaces the README's committed copies on purpose.
 *
 * @example
 *   screenshotDir([]);                    // '/…/regrant/.output/screenshots'
 *   screenshotDir(['docs/screenshots']);  // '/…/regrant/docs/screenshots'
 */
import path from 'node:path';

export const DEFAULT_SCREENSHOT_DIR = '.output/screenshots';

export function screenshotDir(args: readonly string[]): string {
  return path.resolve(args[0] ?? DEFAULT_SCREENSHOT_DIR);
}
