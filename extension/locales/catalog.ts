/**
 * The extension's strings live in catalogs, one file per area of the interface
 * (`extension/locales/<locale>/<area>.json`, in the format of Chrome's `messages.json`), so
 * that an area's strings sit together and two changes to two areas never touch one file. The
 * build merges a locale's catalogs into `_locales/<locale>/messages.json`; the unit tests read
 * the same merge.
 *
 * @example
 *   const en = mergeCatalogs({ 'popup.json': { popupTitle: { message: 'Regrant' } } });
 *   en.popupTitle.message; // 'Regrant'
 */

export interface CatalogEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

export type Catalog = Record<string, CatalogEntry>;

/** Chrome's rule for message names: ASCII letters, digits and `_`, starting with a letter. */
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** One catalog from many files; a key defined twice, or named as Chrome refuses, is an error. */
export function mergeCatalogs(files: Record<string, unknown>): Catalog {
  const merged: Catalog = {};
  const from: Record<string, string> = {};
  for (const [file, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [key, entry] of Object.entries(content as Catalog)) {
      if (!KEY.test(key)) throw new Error(`${file}: "${key}" is not a valid message name (letters, digits and _; a letter first)`);
      if (typeof entry?.message !== 'string') throw new Error(`${file}: "${key}" has no "message"`);
      const lower = key.toLowerCase(); // Chrome's names are case-insensitive.
      if (from[lower]) throw new Error(`${file}: "${key}" is already defined in ${from[lower]}`);
      from[lower] = file;
      merged[key] = entry;
    }
  }
  return merged;
}

/**
 * What `browser.i18n.getMessage` answers for an entry: named placeholders (`$EMAIL$`) become
 * their content, then `$1`…`$9` the substitutions, and `$$` a dollar sign. The unit tests use
 * it in place of the browser's; it follows the browser's rules so they see the real text.
 */
export function formatMessage(entry: CatalogEntry, substitutions: readonly string[]): string {
  const named = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? placeholder.content : whole;
  });
  return named.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (substitutions[Number(which) - 1] ?? '')));
}
