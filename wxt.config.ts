import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

/**
 * The Regrant browser extension: `npm run build` writes `.output/chrome-mv3` and
 * `.output/firefox-mv3`; `npm run zip` packs both.
 */
export default defineConfig({
  srcDir: 'extension',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports: every file says where its names come from, and unit tests need no magic.
  imports: false,
  manifestVersion: 3,
  // The Firefox sources zip must never carry the server's database, key or .env.
  zip: { excludeSources: ['data/**', '.env', '.env.*', '.output/**'] },
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'Regrant',
    description: 'A red count on the toolbar when a sending mailbox loses its login, and the fix in one click.',
    // The server answers CORS for extension origins, so no host permission (and no prompt) is needed.
    permissions: ['alarms', 'storage', 'notifications'],
    action: { default_title: 'Regrant' },
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    // Chrome 120 is the first to run alarms every 30 s, the shortest interval the options offer.
    ...(browser === 'firefox' ? {} : { minimum_chrome_version: '120' }),
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'regrant@regrant.dev', strict_min_version: '115.0', data_collection_permissions: { required: ['none'] } } } } : {}),
  }),
});
