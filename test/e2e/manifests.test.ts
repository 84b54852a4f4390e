/**
 * The built extension for both browsers: Manifest V3, only the permissions it uses, no host
 * permission (the server answers CORS), and every page and icon the manifest names exists;
 * Firefox's build with what addons.mozilla.org requires.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (browser: string) => {
  const dir = path.resolve(`.output/${browser}-mv3`);
  return { dir, manifest: JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) };
};

describe.each(['chrome', 'firefox'])('the %s build', (browser) => {
  const { dir, manifest } = read(browser);

  it('is Manifest V3 asking only for alarms, storage, notifications and identity (Firefox: and to write the clipboard), with no host access', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.default_locale).toBe('en');
    const messages = JSON.parse(readFileSync(path.join(dir, '_locales', 'en', 'messages.json'), 'utf8'));
    // Name and description come from the catalogs, in the browser's language.
    expect(manifest.name).toBe('__MSG_extName__');
    expect(messages.extName.message).toBe('Regrant');
    expect(messages[manifest.description.replace(/^__MSG_(\w+)__$/, '$1')].message).toMatch(/loses its login/);
    expect(manifest.permissions).toEqual(['alarms', 'storage', 'notifications', 'identity', ...(browser === 'firefox' ? ['clipboardWrite'] : [])]);
    // Chrome's fixed id comes from the key; Firefox's from the gecko id.
    expect(manifest.key === undefined).toBe(browser === 'firefox');
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_permissions).toBeUndefined();
    expect(manifest.content_scripts).toBeUndefined();
  });

  it('names a popup, an options page opening in a tab, and icons that exist', () => {
    expect(manifest.action.default_popup).toBe('popup.html');
    expect(manifest.options_ui).toEqual({ page: 'options.html', open_in_tab: true });
    for (const file of ['popup.html', 'options.html', 'accounts.html', ...Object.values<string>(manifest.icons)]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
  });
});

it('Chrome runs the background as a service worker; Firefox as an event page, with its add-on id and no data collected', () => {
  expect(read('chrome').manifest.background).toEqual({ service_worker: 'background.js' });
  const firefox = read('firefox').manifest;
  expect(firefox.background).toEqual({ scripts: ['background.js'] });
  expect(firefox.browser_specific_settings).toEqual({
    gecko: { id: 'regrant@regrant.dev', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
    gecko_android: { strict_min_version: '142.0' },
  });
  expect(existsSync(path.resolve('.output/firefox-mv3/background.js'))).toBe(true);
});
