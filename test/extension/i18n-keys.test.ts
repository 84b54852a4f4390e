import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, mergeCatalogs } from '../../extension/locales/catalog.ts';
import { readCatalogFiles } from '../../extension/vite/locale-files.ts';
import { t } from '../../extension/utils/i18n.ts';

const ROOT = join(import.meta.dirname, '..', '..', 'extension');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' || entry.name === 'vite' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the catalogs', () => {
  const en = mergeCatalogs(readCatalogFiles('en'));

  it('hold every key the extension asks for', () => {
    const missing: string[] = [];
    for (const file of sources(ROOT)) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) {
        if (!en[key]) missing.push(`${relative(ROOT, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('refuse a key defined in two files, whatever its case', () => {
    expect(() => mergeCatalogs({ 'a.json': { copyLink: { message: 'A' } }, 'b.json': { CopyLink: { message: 'B' } } })).toThrow(
      'b.json: "CopyLink" is already defined in a.json',
    );
    expect(() => mergeCatalogs({ 'a.json': { 'copy-link': { message: 'A' } } })).toThrow('not a valid message name');
  });

  it('fill placeholders and substitutions as the browser does', () => {
    const entry = { message: 'Copy link for $EMAIL$ ($$1)', placeholders: { email: { content: '$1' } } };
    expect(formatMessage(entry, ['ann@acme.test'])).toBe('Copy link for ann@acme.test ($1)');
  });

  it('reach the components through t()', () => {
    expect(t('extName')).toBe('Regrant');
    expect(t('noSuchKey')).toBe('noSuchKey');
  });
});
