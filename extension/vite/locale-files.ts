/**
 * The `_locales/<locale>/messages.json` files of the build, each merged from the catalogs in
 * `extension/locales/<locale>/` (see `extension/locales/catalog.ts`).
 *
 * @example
 *   localeFiles(); // [{ relativeDest: '_locales/en/messages.json', contents: '{…}' }]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeCatalogs } from '../locales/catalog.ts';

const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '..', 'locales');

/** Every catalog of one locale, by file name, parsed. */
export function readCatalogFiles(locale: string): Record<string, unknown> {
  const dir = join(LOCALES, locale);
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      files[name] = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      throw new Error(`extension/locales/${locale}/${name}: ${(error as Error).message}`);
    }
  }
  return files;
}

export function localeFiles(): Array<{ relativeDest: string; contents: string }> {
  return readdirSync(LOCALES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      relativeDest: `_locales/${entry.name}/messages.json`,
      contents: JSON.stringify(mergeCatalogs(readCatalogFiles(entry.name)), null, 2),
    }));
}
