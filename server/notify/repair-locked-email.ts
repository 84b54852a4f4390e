/**
 * The words of the email to a custom mailbox's owner when its repair link died of wrong
 * passwords: what happened, that nothing changed, and how to get the mailbox fixed.
 *
 * @example repairLockedEmail({ email, spentBy: 'link', tries: 5, createdBy: 'ann@acme.test', at, workspace: 'Acme', publicUrl })
 */
export interface RepairLocked {
  email: string;
  /** `link`: its own wrong tries; `mailbox`: the mailbox's wrong tries of the last 24 hours, across links. */
  spentBy: 'link' | 'mailbox';
  /** The allowance that was used up (5 for a link, 10 for a mailbox a day). */
  tries: number;
  /** Who made the link (null: an alert's link). */
  createdBy: string | null;
  at: string;
  workspace: string;
}

export function repairLockedEmail(r: RepairLocked): { subject: string; text: string } {
  const at = r.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const link = r.createdBy ? `the repair link ${r.createdBy} created for ${r.email}` : `the repair link for ${r.email} (from an alert)`;
  const what =
    r.spentBy === 'link'
      ? `${r.tries} wrong passwords were entered through ${link}, and at ${at} someone tried once more.`
      : `${r.tries} wrong passwords were entered for ${r.email} in the last 24 hours through its repair links, and at ${at} someone tried once more through ${link}.`;
  const lines = [
    what,
    '',
    `To keep anyone from guessing the mailbox's password against its mail server through ${r.workspace}, that link no longer works. Nothing was changed: the mailbox keeps its saved settings and its held emails wait.`,
    '',
    'What to do:',
    '- If the person you sent the link to is still fixing the mailbox, make sure they have its current password, then send them a new link: in the Regrant extension, choose the mailbox and press Copy link.',
    ...(r.spentBy === 'mailbox' ? [`- Until 24 hours have passed since those wrong passwords, new links for ${r.email} accept no password either.`] : []),
    '- Or enter the password yourself: the mailbox\'s sending and receiving settings, then Test Sending and Test Receiving.',
    '- If nobody you know was trying, someone may have got hold of the link: tell an administrator, and check the mailbox\'s security with its mail provider.',
    '',
    `You receive this because you own this mailbox in ${r.workspace}.`,
  ];
  return { subject: `${r.workspace}: the repair link for ${r.email} was disabled after wrong passwords`, text: lines.join('\n') };
}
