/**
 * The pages a person sees around a sign-in: the share-link page and one page per outcome.
 * Each says plainly what happened and what to do next.
 *
 * @example const { status, body } = outcomePage(outcome, 'Acme');
 */
import { html } from 'hono/html';
import type { ConnectConfirmView, SharePageView } from './index.ts';
import { layout } from './page-layout.ts';
import { OUTCOME_STATUS, type Outcome } from './outcomes.ts';

const SCOPE_WORDS: Record<string, string> = {
  'https://www.googleapis.com/auth/gmail.send': 'Send email on your behalf',
  'https://www.googleapis.com/auth/gmail.readonly': 'View your email messages and settings',
  'https://outlook.office.com/IMAP.AccessAsUser.All': 'Read and write access to your mailbox via IMAP',
  'https://outlook.office.com/SMTP.Send': 'Send email via SMTP',
};

const retryButton = (url: string, label = 'Try again') => html`<p><a class="button" href="${url}">${label}</a></p>`;

export function sharePage(view: SharePageView, token: string) {
  return layout({
    title: `Reconnect ${view.email}`,
    body: html`<h1>Reconnect ${view.email}</h1>
<p><span class="mailbox">${view.email}</span> has lost its connection to ${view.workspace}. Nothing is sent from it until it is reconnected.</p>
<p>Sign in as this mailbox with ${view.provider} and allow access. Held emails go out as soon as you are done.</p>
<form method="post" action="/r/${token}">
<button type="submit">Continue with ${view.provider}</button>
</form>
<p class="muted">This link works for this one mailbox only, and stops working once it has been used.</p>`,
  });
}

/** What the one-time connect URL shows before anything happens: who will hold the mailbox. Its button POSTs. */
export function connectConfirmPage(view: ConnectConfirmView, token: string) {
  return layout({
    title: `Connect a mailbox to ${view.workspace}`,
    body: html`<h1>Connect a mailbox to ${view.workspace}</h1>
<p><strong><span class="mailbox">${view.requester}</span> will manage and send from this mailbox.</strong></p>
<p>Continuing signs you in with ${view.provider} and asks you to allow ${view.workspace} to send email from the mailbox you choose and to read it for replies and bounces. ${view.requester} will then send email as that mailbox.</p>
<p>If you do not know ${view.requester}, or did not expect this, close this tab: nothing has happened.</p>
<form method="post" action="/oauth/start/${token}">
<button type="submit">Continue with ${view.provider}</button>
</form>
<p class="muted">A connect of an address other than ${view.requester}'s own waits for an administrator of ${view.workspace} before anything is attached.</p>`,
  });
}

const LINK_WHY = {
  unknown: 'This re-authentication link is not valid. Check that it was copied whole.',
  expired: 'This re-authentication link has expired.',
  revoked: 'This re-authentication link was replaced by a newer one or withdrawn.',
  used: 'This re-authentication link has already been used.',
};

const STATE_WHY = {
  unknown: 'This sign-in is not known to Regrant.',
  used: 'This sign-in has already been completed; its answer cannot be used twice.',
  expired: 'This sign-in took too long and has expired.',
  other_browser: 'This sign-in was started in another browser. Finish it in the browser where you pressed the button.',
};

const START_WHY = {
  unknown: 'This re-grant link is not valid.',
  used: 'This re-grant link has already been opened. Each one works once.',
  expired: 'This re-grant link has expired (they last 15 minutes).',
  withdrawn: 'This re-grant link was withdrawn: the mailbox has changed hands since it was made.',
};

/** The page for an outcome, with the status it is answered with. */
export function outcomePage(o: Outcome, workspace: string) {
  const status = o.kind === 'state_invalid' && o.why === 'other_browser' ? 403 : OUTCOME_STATUS[o.kind];
  const page = (title: string, tone: 'ok' | 'bad' | '', body: ReturnType<typeof html>) =>
    ({ status, body: layout({ title, body: html`<h1 class="${tone}">${title}</h1>${body}` }) });
  switch (o.kind) {
    case 'reconnected':
      return page('Reconnected', 'ok', html`<p><span class="mailbox">${o.email}</span> is connected to ${workspace} again.</p>
<p>Emails held while it was disconnected are being sent now. You can close this tab.</p>`);
    case 'connected':
      return page('Mailbox connected', 'ok', html`<p><span class="mailbox">${o.email}</span> is now connected to ${workspace} with ${o.provider}.</p><p>You can close this tab.</p>`);
    case 'wrong_mailbox':
      return page('That was a different mailbox', 'bad', html`<p>You signed in as <span class="mailbox">${o.got}</span>, but this re-authentication is for <span class="mailbox">${o.expected}</span>.</p>
<p>Nothing was changed. Sign in with ${o.provider} as ${o.expected}; if the browser is signed in to another account, choose "Use another account".</p>${retryButton(o.retryUrl, `Try again as ${o.expected}`)}`);
    case 'mailbox_refused':
      return page('The mailbox did not accept this sign-in', 'bad', html`<p>${o.provider} signed you in, but <span class="mailbox">${o.email}</span> refused the new access: <code>${o.message}</code></p>
<p>Nothing was changed. Sign in with the account that owns this mailbox.</p>${retryButton(o.retryUrl)}`);
    case 'denied':
      return page('Access was not granted', 'bad', html`<p>The ${o.provider} consent screen was closed or access was declined, so nothing was changed.</p>
<p>Regrant needs this access to send from the mailbox and to see replies and bounces.</p>${retryButton(o.retryUrl)}`);
    case 'scopes_missing':
      return page('Some permissions are missing', 'bad', html`<p>Access was granted without these permissions, which Regrant needs:</p>
<ul>${o.missing.map((s) => html`<li>${SCOPE_WORDS[s] ?? s} <span class="muted">(${s})</span></li>`)}</ul>
<p>Nothing was changed. Try again and tick every permission on the ${o.provider} consent screen.</p>${retryButton(o.retryUrl)}`);
    case 'state_invalid':
      return page('This sign-in cannot be used', 'bad', html`<p>${STATE_WHY[o.why]}</p><p>Nothing was changed. Start again from the Regrant extension or from the link you were sent.</p>`);
    case 'start_invalid':
      return page('This link cannot be used', 'bad', html`<p>${START_WHY[o.why]}</p><p>Press "Re-grant" in the Regrant extension again for a new one.</p>`);
    case 'link_invalid':
      if (o.connectedEmail) {
        return page('This mailbox is connected', 'ok', html`<p><span class="mailbox">${o.connectedEmail}</span> is connected to ${workspace} now: there is nothing left to do with this link. You can close this tab.</p>
<p class="muted">${LINK_WHY[o.why]}</p>`);
      }
      return page('This link no longer works', 'bad', html`<p>${LINK_WHY[o.why]}</p>
<p>${o.creatorEmail ? html`Ask <span class="mailbox">${o.creatorEmail}</span> (who created it) or an administrator of ${workspace} for a new link.` : html`Ask the person who sent it to you, or an administrator of ${workspace}, for a new link.`}</p>`);
    case 'provider_error':
      return page(`${o.provider} did not complete the sign-in`, 'bad', html`<p>${o.provider} answered: <code>${o.message}</code></p><p>Nothing was changed.</p>${o.retryUrl ? retryButton(o.retryUrl) : ''}`);
    case 'not_configured':
      return page(`${o.provider} sign-in is not set up`, 'bad', html`<p>This ${workspace} server is not set up for ${o.provider} mailboxes yet. Ask its administrator to configure ${o.provider} sign-in (${o.provider.toUpperCase()}_CLIENT_ID and ${o.provider.toUpperCase()}_CLIENT_SECRET).</p>`);
    case 'account_exists':
      return page('This mailbox is already in Regrant', 'bad', html`<p><span class="mailbox">${o.email}</span> is already connected to ${workspace} by someone else. Nothing was changed.</p><p>Ask an administrator of ${workspace} to give it to you.</p>`);
    case 'connect_held':
      return page('Waiting for an administrator', '', html`<p><span class="mailbox">${o.email}</span> is not the address of ${o.requester}, who asked to connect it, so nothing was attached yet.</p>
<p>An administrator of ${workspace} has been told and will approve or refuse it. Until then ${workspace} sends nothing from this mailbox. You can close this tab.</p>`);
    case 'replace_held':
      return page('This mailbox is in Regrant with a password', '', html`<p><span class="mailbox">${o.email}</span> is a password (SMTP/IMAP) mailbox in ${workspace}, owned by <span class="mailbox">${o.owner}</span>. Nothing was changed yet.</p>
<p>To replace its password settings with this ${o.provider} connection, approve it among the pending connections (<code>GET /api/pending-connections</code>, then <code>POST …/approve</code>). Its owner, history and held emails stay.</p>`);
    case 'mailbox_limit':
      return page('No room for another mailbox', 'bad', html`<p>${o.message}</p><p>Nothing was changed.</p>`);
    case 'rate_limited':
      return page('Too many requests', 'bad', html`<p>Please wait a minute, then reload this page.</p>`);
    case 'unexpected':
      return page('Something went wrong', 'bad', html`<p>Regrant could not finish this step; the problem has been logged. Nothing was changed. Please try again in a minute.</p>`);
  }
}
