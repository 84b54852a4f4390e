/**
 * The exact redirect URLs of the extensions this server signs in (EXTENSION_IDS), as each
 * browser's `identity.getRedirectURL()` makes them: Chrome `https://<id>.chromiumapp.org/`,
 * Firefox `https://<sha1 hex of the add-on id>.extensions.allizom.org/`. Nothing else is ever
 * a target of the sign-in's redirect: a code sent elsewhere would be a token for a stranger.
 *
 * @example
 *   const allowed = extensionRedirects(['kcielmecplifebnpgnjjcjmgpbnjgkfm', 'regrant@regrant.dev']);
 *   allowed.has('https://kcielmecplifebnpgnjjcjmgpbnjgkfm.chromiumapp.org/') // true
 */
import { createHash } from 'node:crypto';

/** A Chrome extension id: 32 letters a–p. */
export const CHROME_ID = /^[a-p]{32}$/;

/** The id Chrome derives from a manifest `key`: SHA-256 of the key's bytes, first 32 hex digits written with a–p. */
export function chromeIdOfKey(key: string): string {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join('');
}

/** Firefox's redirect URL for an add-on id (toolkit/components/extensions/child/ext-identity.js). */
export function firefoxRedirect(addonId: string): string {
  return `https://${createHash('sha1').update(addonId).digest('hex')}.extensions.allizom.org/`;
}

export function redirectOf(id: string): string {
  return CHROME_ID.test(id) ? `https://${id}.chromiumapp.org/` : firefoxRedirect(id);
}

/** The set of redirect URLs accepted, one per id. */
export function extensionRedirects(ids: readonly string[]): Set<string> {
  return new Set(ids.map(redirectOf));
}
