/**
 * Takes out of two libraries the only code in the extension that addons.mozilla.org's linter
 * warns about, and that an extension page could never use anyway:
 *
 * - zod's probe for `new Function` (DANGEROUS_EVAL): an extension page's content security
 *   policy forbids eval, so the probe always fails there; it answers `false` without trying.
 * - Preact's `dangerouslySetInnerHTML` (UNSAFE_VAR_ASSIGNMENT): Regrant never renders raw HTML
 *   (a test keeps that prop out of extension/), so setting it throws instead of writing
 *   `innerHTML`: no later change can bring an HTML injection in by that door.
 *
 * Each rewrite must find its code: a library update that moves it fails the build, loudly,
 * rather than letting the warning back in.
 *
 * @example vite: () => ({ plugins: [preact(), storeSafeLibraries()] })
 */
import type { Plugin } from 'vite';

interface Rewrite {
  /** The file, by the end of its path inside node_modules. */
  file: RegExp;
  find: RegExp;
  replace: string;
}

const REWRITES: Rewrite[] = [
  {
    file: /\/zod\/v4\/core\/util\.js$/,
    find: /try\s*\{\s*const F = Function;\s*new F\(""\);\s*return true;\s*\}\s*catch\s*\(_\)\s*\{\s*return false;\s*\}/,
    replace: 'return false; // an extension page forbids eval',
  },
  {
    file: /\/preact\/dist\/preact\.(module\.js|mjs)$/,
    find: /\(([\w$]+)\.innerHTML=([\w$]+)\.__html\)/,
    replace: '(()=>{throw new Error("Regrant renders no raw HTML: dangerouslySetInnerHTML is not supported")})()',
  },
];

export function storeSafeLibraries(): Plugin {
  return {
    name: 'regrant:store-safe-libraries',
    enforce: 'pre',
    transform(code, id) {
      const rewrite = REWRITES.find((r) => r.file.test(id.split('?')[0]));
      if (!rewrite) return null;
      if (!rewrite.find.test(code)) throw new Error(`store-safe-libraries: the code to rewrite is no longer in ${id}; look at it again`);
      return { code: code.replace(rewrite.find, rewrite.replace), map: null };
    },
  };
}
