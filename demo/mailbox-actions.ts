/**
 * What a person or a provider does to one demo mailbox, through the stand-ins and the real
 * API: break it (revoke its grant, change its password), or fix it as its holder would
 * (consent again, or enter the new password). Each answers a sentence saying what happened.
 *
 * @example await breakMailbox(world, mailbox) // 'Google says the grant of sales@acme.test was revoked …'
 */
import { SIGN_IN_LABEL, type AccountView } from '../shared/api.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { consent } from '../test/support/oauth-servers.ts';
import type { Client } from '../test/support/regrant.ts';
import type { DemoMailbox } from './cast.ts';
import type { World } from './world.ts';

/** A custom mailbox's next password: hello-pass-2 → hello-pass-3. */
function nextPassword(current: string): string {
  const match = /^(.*-)(\d+)$/.exec(current);
  return match ? `${match[1]}${Number(match[2]) + 1}` : `${current}-2`;
}

/** The provider or the mail server stops accepting what Regrant holds for the mailbox. */
export async function breakMailbox(world: World, m: DemoMailbox): Promise<string> {
  if (m.provider === 'google') {
    world.servers.google.revoke(m.email);
    return `Google revoked the grant of ${m.email} (as when its holder removes Regrant at myaccount.google.com).`;
  }
  if (m.provider === 'microsoft') {
    world.servers.microsoft.revoke(m.email);
    return `The password of ${m.email} was changed: Microsoft revoked its refresh tokens (AADSTS50173).`;
  }
  const password = nextPassword(world.passwords[m.email]);
  await setServerPassword(world, m.email, password);
  return `The mail servers of ${m.email} now want the password ${password}; Regrant still holds the old one.`;
}

/** Changes a custom mailbox's password on smtp-server and Dovecot (which re-reads it within a second or so). */
export async function setServerPassword(world: World, email: string, password: string): Promise<void> {
  world.passwords[email] = password;
  world.servers.smtp.setPassword(email, password);
  await world.servers.imap?.setPassword(email, password);
}

/**
 * Fixes the mailbox as its holder would: consents again on the stand-in's page (Google,
 * Microsoft), or saves the password the mail servers now want (custom). Answers what the
 * last page or the check said; a mailbox whose server is down or silent cannot be fixed so.
 */
export async function fixMailbox(world: World, admin: Client, m: DemoMailbox, id: string): Promise<string> {
  if (m.seeded === 'server_down' || m.seeded === 'not_checked') {
    return `${m.email} has no login problem to fix: its mail server ${m.seeded === 'server_down' ? 'refuses connections' : 'never answers'}. Regrant keeps checking it and asks nobody to re-authenticate.`;
  }
  if (m.provider !== 'custom') {
    const res = await admin.post(`/api/accounts/${id}/regrant`);
    if (res.status !== 200) return `Re-grant refused (${res.status}): ${await res.text()}`;
    const { url } = (await res.json()) as { url: string };
    const page = await consent(new TestBrowser(world.regrant.app, world.url), world.servers, m.provider, m.email, url);
    const heading = /<h1[^>]*>([^<]*)<\/h1>/.exec(page.html)?.[1] ?? `page ${page.status}`;
    return `Consented again as ${m.email} on the ${SIGN_IN_LABEL[m.provider]} stand-in; Regrant says: ${heading}.`;
  }
  const password = world.passwords[m.email];
  const res = await admin.patch(`/api/accounts/${id}`, { smtp: { password }, imap: { password } });
  if (res.status !== 200) return `Saving the new password was refused (${res.status}): ${await res.text()}`;
  const checked = (await (await admin.post(`/api/accounts/${id}/check`)).json()) as AccountView;
  return `Saved the password ${password} for ${m.email} (as the accounts page does) and checked it: ${checked.state}.`;
}
