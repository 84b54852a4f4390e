/**
 * The popup as one classic script (extension/entrypoints/popup-main.tsx, built by WXT as an
 * unlisted script: alone, as an IIFE): no module graph to fetch, no shared chunks and no
 * preload chain before its first line runs. What that build needs besides:
 *
 * - `classicPopup()`, a Vite plugin: WXT adds to every page a module script that starts WXT
 *   plugins (`virtual:wxt-html-plugins`); Regrant has none, so in the popup's page it is an
 *   empty chunk the page would still fetch and wait for. It is taken out of that page only.
 * - `popupBuild()`, for WXT's `vite:build:extendConfig` hook:
 *   - the popup's script uses the browser's own `browser`/`chrome` (every API it calls answers
 *     promises natively in Chrome 120+ and Firefox), not the webextension polyfill, which only
 *     the background's promise-answering message listener needs;
 *   - the answer schemas (zod, ~90 KB; extension/utils/answers.ts loads them on the first
 *     Re-grant or Copy link) stay a module of their own, which the popup's script imports
 *     when it needs them, rather than ~90 KB more to load with the popup: the pages' build
 *     names that module `chunks/responses.js` for it.
 *
 * @example
 *   vite: () => ({ plugins: [classicPopup()] }),
 *   hooks: { 'vite:build:extendConfig': popupBuild },
 */
import type { Entrypoint } from 'wxt';
import type { InlineConfig, Plugin } from 'vite';

/** The popup's script, as WXT names the unlisted script and its file. */
export const POPUP_SCRIPT = 'popup-main';
/** The schemas' module, kept with this name by the pages' build. */
const SCHEMAS_FILE = 'chunks/responses.js';
const SCHEMAS_SOURCE = /shared\/responses\.ts$/;
const WXT_PLUGIN_LOADER = /<script type="module"[^>]*src="[^"]*_virtual_wxt-html-plugins[^"]*"[^>]*><\/script>\s*/;

export function classicPopup(): Plugin {
  return {
    name: 'regrant:classic-popup',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => (html.includes(`src="/${POPUP_SCRIPT}.js"`) ? html.replace(WXT_PLUGIN_LOADER, '') : html),
    },
  };
}

export function popupBuild(entrypoints: readonly Entrypoint[], config: InlineConfig): void {
  const build = (config.build ??= {});
  const rollup = (build.rollupOptions ??= {});
  if (entrypoints.some((e) => e.name === POPUP_SCRIPT)) {
    const alias = config.resolve?.alias;
    if (Array.isArray(alias)) config.resolve!.alias = alias.filter((a) => a.find !== 'wxt/browser');
    else if (alias) delete (alias as Record<string, string>)['wxt/browser'];
    rollup.external = (id: string) => SCHEMAS_SOURCE.test(id);
    rollup.output = { ...rollup.output, paths: (id: string) => (SCHEMAS_SOURCE.test(id) ? `./${SCHEMAS_FILE}` : id) };
  } else if (entrypoints.some((e) => e.type === 'popup') && rollup.output && !Array.isArray(rollup.output)) {
    const named = rollup.output.chunkFileNames;
    rollup.output.chunkFileNames = (chunk) =>
      chunk.facadeModuleId && SCHEMAS_SOURCE.test(chunk.facadeModuleId) ? SCHEMAS_FILE : typeof named === 'function' ? named(chunk) : (named ?? 'chunks/[name]-[hash].js');
  }
}
