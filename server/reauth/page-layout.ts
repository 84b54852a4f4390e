/**
 * The frame of every server-rendered page (share link, sign-in outcomes): small, readable on a
 * phone, light and dark, no external assets, and a strict Content-Security-Policy whose only
 * allowance is the hash of the one inline style sheet.
 *
 * @example c.html(layout({ title: 'Reconnected', body: html`<p>…</p>` }), 200, pageHeaders(origins))
 */
import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

const CSS = `
:root { color-scheme: light dark; --fg: #1d2329; --muted: #5b6670; --bg: #f6f7f9; --card: #fff; --accent: #1a5fd0; --ok: #17803d; --bad: #b42318; --border: #d7dce1; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8ecef; --muted: #a6b0b9; --bg: #14181c; --card: #1e2429; --accent: #7aa7ff; --ok: #5fd38d; --bad: #ff8a80; --border: #36404a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 32rem; margin: 3rem auto; padding: 1.5rem; background: var(--card); border: 1px solid var(--border); border-radius: 12px; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
h1.ok { color: var(--ok); } h1.bad { color: var(--bad); }
p { margin: .6rem 0; } .muted { color: var(--muted); font-size: .9rem; }
.mailbox { font-weight: 600; overflow-wrap: anywhere; }
ul { padding-left: 1.2rem; }
li, code { overflow-wrap: anywhere; }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: .7rem 1.1rem; margin-top: .75rem; border-radius: 8px; border: 0; background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
@media (prefers-color-scheme: dark) { button, .button { color: #0b1220; } }
button:focus-visible, .button:focus-visible, a:focus-visible { outline: 3px solid var(--fg); outline-offset: 2px; }
a { color: var(--accent); }
@media (max-width: 36rem) { main { margin: 0; border-radius: 0; border-width: 0 0 1px; } }
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

/**
 * Security headers for a page. `formTargets` are the consent-screen origins the share page's
 * form leads to; Chrome applies form-action to every redirect after the POST too, and a
 * provider may send the browser on to an identity provider of its own (federated sign-in),
 * so any https origin is allowed as well.
 */
export function pageHeaders(formTargets: string[] = []): Record<string, string> {
  const formAction = ["'self'", 'https:', ...new Set(formTargets)].join(' ');
  return {
    'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Robots-Tag': 'noindex, nofollow',
    // The share token is in the URL: never send it on as a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

export function layout(p: { title: string; body: HtmlEscapedString | Promise<HtmlEscapedString> }) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${p.title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
${p.body}
</main>
</body>
</html>`;
}
