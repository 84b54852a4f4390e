/**
 * The words of the "mailbox is connected again" email, sent to the mailbox's owner and to the
 * person whose share link was used.
 *
 * @example reconnectedEmail({ email, provider: 'Google', by: 'a share link from ann@acme.test', at, workspace })
 */
export interface Reconnected {
  email: string;
  provider: string;
  /** How it happened, in words: "a re-grant by ann@acme.test", "the share link you created". */
  by: string;
  at: string;
  workspace: string;
}

export function reconnectedEmail(r: Reconnected): { subject: string; text: string } {
  const at = r.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const lines = [
    `${r.email} is connected to ${r.workspace} again.`,
    '',
    `It was re-authenticated with ${r.provider} through ${r.by} at ${at}.`,
    'Emails that were held while it was disconnected are being sent now, and replies and bounces',
    'that arrived meanwhile are being picked up.',
    '',
    `You receive this because you own this mailbox in ${r.workspace} or created the re-authentication link.`,
  ];
  return { subject: `${r.workspace}: ${r.email} is connected again`, text: lines.join('\n') };
}
