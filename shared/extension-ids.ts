/**
 * The ids of the extension builds this repository makes, which the server accepts sign-in
 * redirects for when EXTENSION_IDS is unset. Chrome derives an unpacked extension's id from the
 * manifest `key` (the public key below): every build, on every machine, has the same id and
 * so the same `https://<id>.chromiumapp.org/` redirect URL. Firefox's id is the gecko id of
 * wxt.config.ts. A build published under another id (a store's) is added with EXTENSION_IDS.
 *
 * @example `https://${CHROME_EXTENSION_ID}.chromiumapp.org/`
 */

/** The manifest `key` of the Chrome build: base64 of a DER SubjectPublicKeyInfo (RSA 2048). */
export const CHROME_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu9pMAIuWFi6BxqIdxTHi4Dmj1n3KrnjdrHFzfS/XYnESiHOu+dCgY5YF3Heu/ASMGr7JzLklayHlAl5Ze7lR5B1LMXv1IbAm/PArKvlFji6nx7w4++AvlMTEugLI7iDzig2rQ/Mb6QSbDr2obx9aXBjsopuI0m7c8VEkNI2nm9QIG8fq2N4PWl+EhQdHZiPp6QUijAH3CcrjuSsBtOBabUacMJiDlsUxDKW3uJfE0YutGSoSbCP0nY5hsaU6meMER3vKAVMlw0QI5IIccxsVi49Zs9DXq/NIAt4xK00LQASLr9D0QX1HoamD9Z2IOSgoI+W9fzhELK+e/8uQGl94IwIDAQAB';

/** The id Chrome gives a build with that key (server/signin/extension-redirects.ts derives it, a test checks). */
export const CHROME_EXTENSION_ID = 'kcielmecplifebnpgnjjcjmgpbnjgkfm';

/** The Firefox build's gecko id (browser_specific_settings.gecko.id). */
export const FIREFOX_EXTENSION_ID = 'regrant@regrant.dev';
