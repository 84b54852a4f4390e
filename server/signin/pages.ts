/**
 * The pages of the sign-in window: the ways in, the emailed code's form, and a refusal that
 * says plainly why and what to do. Same frame and strict headers as the share-link pages.
 *
 * @example c.html(loginPage({ workspace: 'Acme', attemptId, ways: { google: true, microsoft: false, email: true } }))
 */
import { html } from 'hono/html';
import { layout } from '../reauth/page-layout.ts';
import type { SigninRefused } from './errors.ts';

export interface Ways {
  google: boolean;
  microsoft: boolean;
  email: boolean;
}

const hidden = (attemptId: string) => html`<input type="hidden" name="attempt" value="${attemptId}">`;

export function loginPage(p: { workspace: string; attemptId: string; ways: Ways }) {
  const none = !p.ways.google && !p.ways.microsoft && !p.ways.email;
  return layout({
    title: `Sign in to ${p.workspace}`,
    body: html`<h1>Sign in to ${p.workspace}</h1>
<p>Use the work account you already have. Regrant asks only for your name and email address.</p>
${p.ways.google ? html`<form method="post" action="/login/google">${hidden(p.attemptId)}<button type="submit">Continue with Google</button></form>` : ''}
${p.ways.microsoft ? html`<form method="post" action="/login/microsoft">${hidden(p.attemptId)}<button type="submit">Continue with Microsoft</button></form>` : ''}
${p.ways.email
  ? html`<form method="post" action="/login/email">${hidden(p.attemptId)}
<p><label for="email">Or get a sign-in code by email</label><br><input id="email" name="email" type="email" autocomplete="email" required maxlength="254" placeholder="you@company.com"></p>
<button type="submit">Email me a sign-in code</button></form>`
  : ''}
${none ? html`<p>This server offers no way to sign in yet. Ask its administrator for an API token, and paste it under Advanced in the extension’s options.</p>` : ''}
<p class="muted">Only people who are members of ${p.workspace}, or were invited, can sign in.</p>`,
  });
}

export function codePage(p: { workspace: string; attemptId: string; email: string; problem?: string }) {
  return layout({
    title: 'Type your sign-in code',
    body: html`<h1>Type your sign-in code</h1>
<p>If <span class="mailbox">${p.email}</span> may sign in to ${p.workspace}, a six-digit code is on its way to it. It works once, for 10 minutes.</p>
${p.problem ? html`<p class="muted" role="alert"><strong>${p.problem}</strong></p>` : ''}
<form method="post" action="/login/email/code">${hidden(p.attemptId)}
<p><label for="code">Sign-in code</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" pattern="[0-9 ]*"></p>
<button type="submit">Sign in</button></form>
<p class="muted">No email after a few minutes? Check the spam folder, or close this window and start again.</p>`,
  });
}

export function refusedPage(refusal: SigninRefused) {
  return layout({
    title: 'Not signed in',
    body: html`<h1 class="bad">Not signed in</h1><p>${refusal.message}</p><p class="muted">Reason: ${refusal.code}. You can close this window.</p>`,
  });
}

/** The status a refusal's page is answered with. */
export function refusalStatus(refusal: SigninRefused): 400 | 403 | 429 | 502 | 503 {
  switch (refusal.code) {
    case 'not_allowed':
    case 'unverified_email':
    case 'wrong_domain':
    case 'untrusted_tenant':
    case 'other_browser':
    case 'too_many_tries':
      return 403;
    case 'rate_limited':
      return 429;
    case 'provider_error':
      return 502;
    case 'not_configured':
      return 503;
    default:
      return 400;
  }
}
