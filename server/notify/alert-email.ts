/**
 * The words of a lost mailbox's alert item, as recorded: each person receives the grouped email
 * composed from the items (server/alerts/), which carries the incident's link.
 *
 * @example lostAccessEmail({ email: 'ann@acme.test', reason, adminAction: false, since, workspace })
 */
import type { Reason } from '../../shared/api.ts';

export interface LostAccess {
  email: string;
  reason: Reason;
  /** Re-granting or a new password alone will not fix it. */
  adminAction: boolean;
  since: string;
  workspace: string;
}

export function lostAccessEmail(a: LostAccess): { subject: string; text: string } {
  const since = a.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const lines = [
    `${a.workspace} lost access to the mailbox ${a.email}.`,
    '',
    `What happened: ${a.reason.message}`,
    `Since: ${since}`,
    '',
    `Until it is fixed, nothing is sent from ${a.email}, and replies and bounces to it are not detected.`,
    'Emails waiting to go from it are held, and are sent as soon as it is re-authenticated.',
    '',
    `How to fix it: ${a.reason.hint ?? 'Re-authenticate the mailbox in Regrant.'}`,
    ...(a.adminAction ? ['Note: re-granting access or entering a new password alone will not fix this; an administrator has to act.'] : []),
    '',
    `You receive this because you are an admin of ${a.workspace}, the owner of this mailbox, or the mailbox itself.`,
  ];
  return { subject: `${a.workspace}: ${a.email} needs re-authentication`, text: lines.join('\n') };
}
