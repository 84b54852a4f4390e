import { escapeHtml } from './google-errors.ts';

/**
 * Google's consent screen, reduced to what a browser test needs: who asks, for which
 * account, and an "Allow" button that repeats the authorization request as approved.
 */
export function consentScreen(query: URLSearchParams): Response {
  const hidden = [...query, ['fake_allowed', '1']].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  const who = query.get('login_hint') ?? 'your Google Account';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts</title></head>
<body><h1>Regrant wants to access your Google Account</h1><p>${escapeHtml(who)}</p>
<p>This will allow Regrant to: ${escapeHtml(query.get('scope') ?? '')}</p>
<form method="get" action="/o/oauth2/v2/auth">${hidden}<button type="submit">Allow</button></form></body></html>`;
  return new Response(body, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
