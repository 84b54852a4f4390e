/**
 * The only addresses the extension opens in a tab or copies for someone (Re-grant, Copy link):
 * pages of the configured Regrant server. A compromised or impostor server could otherwise
 * send the person to a phishing page where they expect Google's or Microsoft's consent
 * screen, or hand them a `javascript:` URL. The server's own origin, over https (plain http
 * only on this computer), and the address as the URL parser writes it, never the raw string.
 *
 * @example serverPage('https://regrant.acme.test/oauth/start/rg_x', 'https://regrant.acme.test') // → the href; null for anything else
 */

/** Hosts whose plain-http pages never leave this computer. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** `value` as `new URL(value).href` when it is a page of `serverUrl`'s origin; null otherwise. */
export function serverPage(value: unknown, serverUrl: string): string | null {
  if (typeof value !== 'string' || !URL.canParse(value) || !URL.canParse(serverUrl)) return null;
  const url = new URL(value);
  const server = new URL(serverUrl);
  const safeScheme = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (!safeScheme || url.origin !== server.origin || url.username || url.password) return null;
  return url.href;
}
