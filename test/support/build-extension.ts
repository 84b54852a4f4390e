/**
 * Vitest global setup: builds the extension for Chrome and Firefox once, before any test,
 * so the end-to-end tests load what a person would load.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export default async function buildExtension(): Promise<void> {
  const wxt = path.resolve('node_modules/.bin/wxt');
  const env = { ...process.env, CI: '1' };
  await run(wxt, ['build'], { env });
  await run(wxt, ['build', '-b', 'firefox'], { env });
}
