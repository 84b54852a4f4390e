/**
 * What the demo prints: the welcome (addresses, tokens, how to load the extension, what to
 * try) and the list of mailboxes with their states, in the words of the popup.
 *
 * @example say(mailboxList(status.accounts, world.cast));
 */
import path from 'node:path';
import { MAILBOX_KIND_LABEL, type AccountState, type AccountStatus, type ProviderKind } from '../shared/api.ts';
import { ADMIN, MEMBER, type DemoMailbox } from './cast.ts';

const STATE: Record<AccountState, string> = { connected: 'Connected', needs_reauth: 'Needs re-authentication', unreachable: 'Unreachable', new: 'Not checked yet' };

export const stateWords = (state: AccountState) => STATE[state];
export const kindWords = (provider: ProviderKind) => MAILBOX_KIND_LABEL[provider];

/**
 * One line a mailbox, in the cast's order and numbered (commands take the number too); a
 * custom mailbox refused for its password names the one its mail servers want, so that a
 * person can fix it from the accounts page.
 */
export function mailboxList(accounts: AccountStatus[], cast: DemoMailbox[], passwords: Record<string, string>): string {
  const byEmail = new Map(accounts.map((a) => [a.email, a]));
  const width = Math.max(...cast.map((m) => m.email.length));
  return cast
    .map((m, i) => {
      const a = byEmail.get(m.email);
      if (!a) return `${String(i + 1).padStart(3)}  ${m.email.padEnd(width)}  (not in Regrant)`;
      const waiting = a.pendingEmails ? `  ${a.pendingEmails} email${a.pendingEmails === 1 ? '' : 's'} waiting` : '';
      const indent = `\n       ${' '.repeat(width)}  `;
      const reason = a.reason && a.state !== 'connected' ? `${indent}${a.reason.message}` : '';
      const fix = a.provider === 'custom' && a.state === 'needs_reauth' ? `${indent}(its mail servers want the password ${passwords[a.email]})` : '';
      return `${String(i + 1).padStart(3)}  ${a.email.padEnd(width)}  ${MAILBOX_KIND_LABEL[a.provider].padEnd(9)}  ${m.owner.padEnd(6)}  ${STATE[a.state]}${waiting}${reason}${fix}`;
    })
    .join('\n');
}

export const HELP = `Commands (here, or from another terminal as: npm run demo -- <command>):
  list                 the mailboxes and their states
  break <mailbox>      revoke a Gmail/Outlook grant, or change a custom mailbox's password on its
                       mail servers; then check it at once (the badge turns red at the next poll)
  fix <mailbox>        fix it as its holder would: consent again, or save the new password
  check [mailbox]      run the health check now (every mailbox, or one)
  send <mailbox> [n]   queue n emails (default 1): sent at once, or held while it is broken
  help                 this list
  quit                 stop the demo and remove its temporary folder
A <mailbox> is its address, the part before @, or its number in the list.`;

export interface Welcome {
  url: string;
  adminToken: string;
  memberToken: string;
  dir: string;
  /** Alert emails the seed caused, caught by the local alert SMTP server. */
  alertsCaught: number;
  portNote: string | null;
  imapNote: string | null;
}

export function welcome(w: Welcome): string {
  const extension = path.resolve('.output/chrome-mv3');
  return `
Regrant demo: everything runs on this machine; nothing reaches Google or Microsoft.
${w.portNote ? `\n${w.portNote}\n` : ''}${w.imapNote ? `\n${w.imapNote}\n` : ''}
  Server URL:    ${w.url}
  Admin token:   ${w.adminToken}   (${ADMIN}, sees every mailbox)
  Member token:  ${w.memberToken}   (${MEMBER}, sees the mailboxes they own)
  Data folder:   ${w.dir}   (SQLite and server.log; removed when the demo stops)
  Alert emails:  ${w.alertsCaught} so far, to the admin, the owners and the mailboxes, caught by a local SMTP server

Load the extension in Chrome or Chromium:
  1. npm run build   (once, in another terminal)
  2. chrome://extensions → Developer mode → Load unpacked → ${extension}
  3. the extension's Options: Server URL ${w.url}, then Advanced → API token the admin's above
     → Test connection → Save. The badge shows how many mailboxes need re-authentication.
`;
}

export function tryThis(cast: DemoMailbox[], passwords: Record<string, string>): string {
  const connected = cast.find((m) => m.seeded === 'connected' && m.provider === 'google') ?? cast.find((m) => m.seeded === 'connected');
  const waiting = cast.find((m) => m.pending && m.provider !== 'custom');
  const custom = cast.find((m) => m.seeded === 'wrong_password');
  const lines = [
    connected && `break ${connected.email}   → the badge goes up by one at the next poll (open the popup to poll now)`,
    waiting && `popup → Re-grant on ${waiting.email}: the stand-in's consent page opens in a new tab; allow it, and its ${waiting.pending} waiting email${waiting.pending === 1 ? '' : 's'} go out (this console says so)`,
    'popup → Copy link on another one, then open the link in a private window: the share-link page',
    custom && `popup → Fix on ${custom.email}: enter ${passwords[custom.email]} as both passwords, then Test Sending and Test Receiving`,
  ];
  return `Try:\n${lines.filter(Boolean).map((l) => `  ${l}`).join('\n')}\nType help for the commands.`;
}
