import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { ConfigError, loadConfig } from './index.ts';

describe('sign-in settings', () => {
  it('by default: no domain, no trusted tenant, and the extension builds of this repository', () => {
    expect(loadConfig({}).signin).toEqual({ domains: [], microsoftTenants: [], extensionIds: [CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID] });
  });

  it('reads comma-separated lists, lower-cased', () => {
    const c = loadConfig({ SIGNIN_DOMAINS: 'Acme.com, acme.de', MICROSOFT_SIGNIN_TENANTS: '0B8F4C2E-1111-4222-8333-944455556666', EXTENSION_IDS: 'abcdefghijklmnopabcdefghijklmnop' });
    expect(c.signin).toEqual({ domains: ['acme.com', 'acme.de'], microsoftTenants: ['0b8f4c2e-1111-4222-8333-944455556666'], extensionIds: ['abcdefghijklmnopabcdefghijklmnop'] });
  });

  const wrong: [Record<string, string>, string, RegExp][] = [
    [{ SIGNIN_DOMAINS: 'acme.com,gmail.com' }, 'SIGNIN_DOMAINS', /must not name gmail.com: anyone can get an address there/],
    [{ SIGNIN_DOMAINS: 'Outlook.com' }, 'SIGNIN_DOMAINS', /must not name outlook.com/],
    [{ SIGNIN_DOMAINS: '@acme.com' }, 'SIGNIN_DOMAINS', /such as acme.com \(got "@acme.com"\)/],
    [{ MICROSOFT_SIGNIN_TENANTS: 'contoso.onmicrosoft.com' }, 'MICROSOFT_SIGNIN_TENANTS', /tenant ids \(GUIDs/],
    [{ EXTENSION_IDS: 'https://x.chromiumapp.org/' }, 'EXTENSION_IDS', /32 letters a-p \(Chrome\) or a Firefox add-on id/],
  ];
  for (const [env, variable, message] of wrong) {
    it(`${JSON.stringify(env)} stops the server naming ${variable}`, () => {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(message);
    });
  }
});
