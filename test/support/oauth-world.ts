/**
 * Everything a Google/Microsoft story needs, started together: the servers of
 * oauth-servers.ts (provider fakes, Dovecot, smtp-server, the alert catcher) and Regrant
 * pointed at all of them.
 *
 * @example
 *   const world = await startOAuthWorld();
 *   const account = await world.connect(mia, 'google', 'mia@gmail.test');
 */
import type { AccountView } from '../../shared/api.ts';
import type { GoogleFake } from '../fakes/google.ts';
import type { MicrosoftFake } from '../fakes/microsoft.ts';
import { TestBrowser } from './browser.ts';
import type { Dovecot } from './dovecot.ts';
import type { RegrantOptions } from '../../server/regrant.ts';
import { connectThroughConsent, ORIGIN, startOAuthServers } from './oauth-servers.ts';
import { startRegrant, type Client, type TestRegrant } from './regrant.ts';
import type { TestSmtp } from './smtp.ts';

export { GOOGLE_CLIENT, MICROSOFT_CLIENT, ORIGIN } from './oauth-servers.ts';

export interface OAuthWorld {
  google: GoogleFake;
  microsoft: MicrosoftFake;
  imap: Dovecot;
  smtp: TestSmtp;
  notify: TestSmtp;
  rg: TestRegrant;
  browser(): TestBrowser;
  /** Connects a mailbox through the real flow as `client` (a held connect approved by an admin); answers the new account. */
  connect(client: Client, provider: 'google' | 'microsoft', email: string): Promise<AccountView>;
  /** Starts a second Regrant on the same fakes and servers (other settings). */
  regrant(env?: Record<string, string>): Promise<TestRegrant>;
  stop(): Promise<void>;
}

/** Approves every connection held for an admin, as an admin would (a member's connect of another address waits for one). */
export async function approveHeld(rg: TestRegrant): Promise<void> {
  const approver = { id: 'usr_test_approver', role: 'admin' as const };
  for (const held of await rg.reauth.pending.list(approver)) await rg.reauth.pending.approve(approver, held.id);
}

export async function startOAuthWorld(mailboxes: string[], env: Record<string, string> = {}, options: RegrantOptions = {}): Promise<OAuthWorld> {
  // A real browser reaches Regrant on a real port: env.PUBLIC_URL names it.
  const origin = env.PUBLIC_URL ?? ORIGIN;
  const servers = await startOAuthServers(mailboxes, { origin });
  const { google, microsoft, smtp, notify } = servers;
  const extra: TestRegrant[] = [];
  const rg = await startRegrant({ ...servers.env, ...env }, options);
  const world: OAuthWorld = {
    google,
    microsoft,
    imap: servers.imap!,
    smtp,
    notify,
    rg,
    browser: () => new TestBrowser(rg.app, origin),
    // A member's connect of another address waits for an admin; these stories are about what
    // follows, so an admin approves it at once (test/server/connect-handover.test.ts is about the wait).
    connect: (client, provider, email) =>
      connectThroughConsent(world.browser(), client, servers, provider, email, () => approveHeld(rg)),
    async regrant(more = {}) {
      const other = await startRegrant({ ...servers.env, ...env, ...more });
      extra.push(other);
      return other;
    },
    async stop() {
      await Promise.all([rg.destroy(), ...extra.map((r) => r.destroy())]);
      await servers.stop();
    },
  };
  return world;
}
