/**
 * The README's screenshots, taken from real Chromium with the built extension loaded,
 * against the demo world: the popup (after "Copy link" on a broken Outlook mailbox) and the
 * share-link page that link opens. Build the extension first:
 *
 *   npm run build && npm run demo:screenshots   # writes docs/screenshots/popup.png, share-link.png
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, EXTENSION_DIR, launchWithExtension } from '../test/support/chromium.ts';
import { startDemo } from './start.ts';

const OUT = path.resolve('docs/screenshots');

if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
  console.error(`No built extension in ${EXTENSION_DIR}: run npm run build first.`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`No Chromium at ${CHROMIUM}: sudo apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}

const demo = await startDemo({ port: 0 });
const chrome = await launchWithExtension();
try {
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const options = await chrome.open('options.html');
  await options.getByLabel('Server URL').fill(demo.world.url);
  // The token field sits under Advanced (Sign in is the usual way in).
  await options.getByText('Advanced: paste an API token').click();
  await options.getByLabel('API token').fill(demo.seeded.admin.token);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByText(/^Saved\./).waitFor();
  await options.close();

  // The toolbar opens the popup at its own width; as a tab it gets a window of that size.
  const popup = await chrome.open('popup.html');
  await popup.setViewportSize({ width: 380, height: 600 });
  await popup.getByRole('list', { name: 'Mailboxes' }).waitFor();
  const outlook = demo.world.cast.find((m) => m.provider === 'microsoft' && m.seeded === 'password_changed')!;
  await popup.getByRole('button', { name: `Copy a re-authentication link for ${outlook.email}` }).click();
  await popup.getByText(/^Copied: expires in/).waitFor();
  const link = await popup.evaluate(() => navigator.clipboard.readText());
  mkdirSync(OUT, { recursive: true });
  await popup.screenshot({ path: path.join(OUT, 'popup.png'), fullPage: true });

  // The person who holds the mailbox opens the pasted link.
  const page = await chrome.context.newPage();
  await page.setViewportSize({ width: 720, height: 480 });
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue with Microsoft' }).waitFor();
  await page.screenshot({ path: path.join(OUT, 'share-link.png') });
  console.log(`Wrote ${path.join(OUT, 'popup.png')} and ${path.join(OUT, 'share-link.png')}`);
} finally {
  await chrome.close();
  await demo.stop();
}
