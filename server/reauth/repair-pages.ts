/**
 * The repair link's pages: the password form (one field, or one per side when SMTP and IMAP
 * sign in as different users), the same form again with what went wrong next to its field,
 * and the page of a link that takes no more tries. They show the mailbox's address and the
 * workspace only: never a host, a username or a person. No script: a plain form POSTs to the
 * link itself.
 *
 * @example c.html(repairPage(view, token), 200, headers)
 */
import { html } from 'hono/html';
import { layout } from './page-layout.ts';
import { MAX_PASSWORD, type PasswordField, type RepairLocked, type RepairPageView, type RepairRefusal } from './repair.ts';
import { LINK_TRIES, MAILBOX_TRIES } from './repair-tries.ts';

const LABEL: Record<PasswordField, string> = {
  password: 'New password',
  smtpPassword: 'Password for sending email (SMTP)',
  imapPassword: 'Password for receiving email (IMAP)',
};

const NOTE: Record<PasswordField, string> = {
  password: 'The password the mailbox uses now.',
  smtpPassword: 'The password of the user this mailbox sends as.',
  imapPassword: 'The password of the user this mailbox reads its inbox as.',
};

/** One password field, its note or its error tied to it by aria-describedby. */
function field(name: PasswordField, error: string | undefined, first: boolean) {
  const note = `${name}-note`;
  return html`<p><label for="${name}">${LABEL[name]}</label><br>
<input id="${name}" name="${name}" type="password" autocomplete="current-password" required maxlength="${MAX_PASSWORD}" aria-describedby="${note}" aria-invalid="${error ? 'true' : 'false'}"${first && error ? html` autofocus` : ''}><br>
<span id="${note}"${error ? '' : html` class="muted"`}>${error ? html`<strong>${error}</strong>` : NOTE[name]}</span></p>`;
}

function spentWords(view: RepairPageView): string {
  return view.spent === 'mailbox'
    ? `${MAILBOX_TRIES} wrong passwords were entered for this mailbox in the last 24 hours, so this link takes no more.`
    : `${LINK_TRIES} wrong passwords were entered through this link, so it takes no more.`;
}

/** `GET /r/:token` of a custom mailbox, and the same form after a refused try (`refusal`). */
export function repairPage(view: RepairPageView, token: string, refusal?: Pick<RepairRefusal, 'problem' | 'errors'>) {
  const fields: PasswordField[] = view.perSide ? ['smtpPassword', 'imapPassword'] : ['password'];
  const firstWrong = fields.find((f) => refusal?.errors[f]);
  const intro = view.connected
    ? html`<p>${view.workspace} sends email from <span class="mailbox">${view.email}</span>. If its password was changed, enter the new one here.</p>`
    : html`<p><span class="mailbox">${view.email}</span> can no longer sign in to its mail server, so ${view.workspace} sends nothing from it. Its password was probably changed.</p>`;
  const problem = refusal ? html`<p role="alert"><strong>${refusal.problem}</strong></p>` : '';
  if (view.spent) {
    return layout({
      title: `Reconnect ${view.email}`,
      body: html`<h1 class="bad">This link takes no more passwords</h1>${problem}
<p>${spentWords(view)} Nothing was changed.</p>
<p>Ask the person who sent you this link for a new one once you are sure of the mailbox's password.</p>`,
    });
  }
  return layout({
    title: `Reconnect ${view.email}`,
    body: html`<h1>Reconnect ${view.email}</h1>${intro}${problem}
<form method="post" action="/r/${token}">
${view.perSide ? html`<p>This mailbox signs in as one user for sending and another for receiving: enter the password of each.</p>` : html`<p>Enter the password the mailbox uses now.</p>`}
${fields.map((f) => field(f, refusal?.errors[f], f === firstWrong))}
<button type="submit">Save and reconnect</button>
</form>
<p class="muted">${view.workspace} tries the password with the mail servers first and saves it only when both sending and receiving work; held emails then go out at once. Only the password can be changed here. This link works once, for this one mailbox, and takes ${LINK_TRIES} wrong passwords.</p>`,
  });
}

/** The link died of wrong passwords just now. */
export function repairLockedPage(locked: RepairLocked) {
  const { view } = locked;
  return layout({
    title: 'This link no longer works',
    body: html`<h1 class="bad">This link no longer works</h1>
<p>${spentWords(view)} To protect <span class="mailbox">${view.email}</span> from password guessing, the link has been disabled and the mailbox's owner in ${view.workspace} has been told. Nothing was changed.</p>
<p>Ask the person who sent you this link for a new one once you are sure of the mailbox's password.</p>`,
  });
}

/** A POST that is not the repair form (too large to be one). */
export function formRefusedPage(message: string) {
  return layout({ title: 'This form could not be read', body: html`<h1 class="bad">This form could not be read</h1><p>${message}</p>` });
}
