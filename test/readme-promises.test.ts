/**
 * What the README tells a newcomer about commands that do not end by themselves or that write
 * files: `npm start` keeps the terminal, and taking the screenshots again changes no committed file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_SCREENSHOT_DIR, screenshotDir } from '../demo/screenshot-dir.ts';

const readme = readFileSync('README.md', 'utf8');
const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(readme)![1];

it('the quick start says npm start holds the terminal, and where the next commands go', () => {
  const startLine = quickStart.split('\n').find((l) => l.includes('npm start'))!;
  expect(startLine).toMatch(/holds this terminal \(Ctrl-C stops it\)/);
  expect(quickStart).toMatch(/npm test +# in a second terminal/);
});

it('npm run demo:screenshots writes into a git-ignored folder unless told to replace the README\'s copies', () => {
  const out = path.relative(process.cwd(), screenshotDir([]));
  expect(out).toBe(DEFAULT_SCREENSHOT_DIR);
  // `git check-ignore` exits 0 for an ignored path: nothing written there shows as a change.
  expect(() => execFileSync('git', ['check-ignore', '-q', path.join(out, 'popup.png')])).not.toThrow();
  expect(path.relative(process.cwd(), screenshotDir(['docs/screenshots']))).toBe('docs/screenshots');
  expect(readme).toContain('`npm run demo:screenshots -- docs/screenshots` replaces the README\'s copies');
});
