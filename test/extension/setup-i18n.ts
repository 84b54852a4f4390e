/**
 * WXT's fake browser has no `i18n`: give it the real catalogs, read and merged as the build
 * merges them, so the components' tests see the words a person sees.
 */
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { formatMessage, mergeCatalogs } from '../../extension/locales/catalog.ts';
import { readCatalogFiles } from '../../extension/vite/locale-files.ts';

const en = mergeCatalogs(readCatalogFiles('en'));

function install(): void {
  fakeBrowser.i18n.getMessage = (key: string, substitutions?: string | string[]) => {
    const entry = en[key];
    if (!entry) return '';
    return formatMessage(entry, typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []));
  };
  fakeBrowser.i18n.getUILanguage = () => 'en';
}

install();
beforeEach(install);
