import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { storeSafeLibraries } from './extension/vite/store-safe-libraries.ts';
import { classicPopup, popupBuild } from './extension/vite/classic-popup.ts';
import { localeFiles } from './extension/vite/locale-files.ts';
import { CHROME_EXTENSION_KEY } from './shared/extension-ids.ts';

/**
 * Firefox's add-on id (AMO and the tests know it by it), and 140 ESR as the oldest Firefox:
 * the first to read `data_collection_permissions`, which AMO requires (Regrant collects
 * nothing: it talks only to the person's own server). On Android that key came in 142.
 */
const FIREFOX_SETTINGS = {
  gecko: { id: 'regrant@regrant.dev', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
  gecko_android: { strict_min_version: '142.0' },
};

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
  // The Firefox sources zip (for AMO's reviewers) carries what builds the extension: never the
  // server's database, key or .env, nor the server, tests, demo and benchmarks.
  zip: { excludeSources: ['data/**', '.env', '.env.*', '.output/**', 'server/**', 'test/**', 'demo/**', 'bench/**'] },
  // Two library branches the extension never takes, out of AMO's linter's way (see the plugin).
  // Every browser Regrant supports preloads modules itself: no polyfill script in the pages.
  vite: () => ({ plugins: [preact(), storeSafeLibraries(), classicPopup()], build: { modulePreload: { polyfill: false } } }),
  // Each area's strings in a catalog of its own (extension/locales/), merged into _locales.
  hooks: {
    // The popup: one classic script, without the polyfill and the schemas (see the plugin).
    'vite:build:extendConfig': popupBuild,
    'build:publicAssets': (_wxt, files) => {
      files.push(...localeFiles());
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // The server answers CORS for extension origins, so no host permission (and no prompt) is
    // needed, in Chrome and in Firefox alike (whose MV3 host permissions a person may withhold).
    // Firefox lets the popup write the clipboard only within 5 s of the click, unless the add-on
    // has clipboardWrite (no prompt): Copy link writes after a round trip to the server.
    // `identity`: Sign in opens the server's sign-in page in the browser's own sign-in window
    // (launchWebAuthFlow), which hands back only its final redirect URL. No prompt either.
    permissions: ['alarms', 'storage', 'notifications', 'identity', ...(browser === 'firefox' ? ['clipboardWrite'] : [])],
    // A fixed Chrome id, so the sign-in's redirect URL (https://<id>.chromiumapp.org/) is known to
    // the server (EXTENSION_IDS) before anyone installs the build (shared/extension-ids.ts).
    ...(browser === 'firefox' ? {} : { key: CHROME_EXTENSION_KEY }),
    action: { default_title: 'Regrant' },
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    // Chrome 120 is the first to run alarms every 30 s, the shortest interval the options offer.
    ...(browser === 'firefox' ? {} : { minimum_chrome_version: '120' }),
    ...(browser === 'firefox' ? { browser_specific_settings: FIREFOX_SETTINGS } : {}),
  }),
});
