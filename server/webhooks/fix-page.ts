/**
 * The page chat messages of earlier versions linked to for a custom mailbox that needs a new
 * password (new ones carry its repair link, a share link: reauth/incident-links.ts). It needs
 * no login and so shows nothing of the mailbox: it says where the fix is made (the Regrant
 * extension's accounts page, which the message's reader opens with their own token).
 *
 * @example c.html(fixPage('Acme'), 200, pageHeaders())
 */
import { html } from 'hono/html';
import { layout } from '../reauth/page-layout.ts';

export function fixPage(workspace: string) {
  return layout({
    title: 'Fix a mailbox',
    body: html`<h1>Fix a mailbox</h1>
<p>A mailbox of ${workspace} no longer accepts its password. Nothing is sent from it until it is fixed.</p>
<p>To fix it, open the Regrant browser extension, press <strong>Fix</strong> beside the mailbox (it is listed first), enter its new password in both forms, then press <strong>Test Sending</strong> and <strong>Test Receiving</strong>. Its held emails go out as soon as both pass.</p>
<p class="muted">Only the mailbox's owner and the admins of ${workspace} can fix it. This page shows no details of the mailbox on purpose.</p>`,
  });
}
