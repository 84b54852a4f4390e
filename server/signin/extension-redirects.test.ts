import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, CHROME_EXTENSION_KEY, FIREFOX_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { chromeIdOfKey, extensionRedirects, firefoxRedirect } from './extension-redirects.ts';

describe('extension redirect URLs', () => {
  it('the Chrome build’s manifest key gives the id the server accepts by default', () => {
    expect(chromeIdOfKey(CHROME_EXTENSION_KEY)).toBe(CHROME_EXTENSION_ID);
  });

  it('Firefox’s redirect host is the SHA-1 of the add-on id, as the browser computes it', () => {
    // sha1('regrant@regrant.dev'), computed independently with `printf %s regrant@regrant.dev | sha1sum`
    expect(firefoxRedirect(FIREFOX_EXTENSION_ID)).toBe('https://8dc989990b3e04316fdc5ed483637560f3c7d718.extensions.allizom.org/');
  });

  it('each id gives exactly one URL, and nothing near it is in the set', () => {
    const allowed = extensionRedirects([CHROME_EXTENSION_ID]);
    expect([...allowed]).toEqual([`https://${CHROME_EXTENSION_ID}.chromiumapp.org/`]);
    expect(allowed.has(`https://${CHROME_EXTENSION_ID}.chromiumapp.org/x`)).toBe(false);
  });
});
