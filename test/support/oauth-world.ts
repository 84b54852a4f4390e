/**
 * Everything a Google/Microsoft story needs, started together: the two provider fakes, Dovecot
 * introspecting Microsoft tokens at the fake, smtp-server checking XOAUTH2 tokens with it, an
 * SMTP server catching alert emails, and Regrant pointed at all of them.
 *
 * @example
 *   const world = await startOAuthWorld();
 *   const account = await world.connect(mia, 'google', 'mia@gmail.test');
 */
import { expect } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { startGoogleFake, type GoogleFake } from '../fakes/google.ts';
import { startMicrosoftFake, type MicrosoftFake } from '../fakes/microsoft.ts';
import { TestBrowser } from './browser.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import type { RegrantOptions } from '../../server/regrant.ts';
import { startRegrant, type Client, type TestRegrant } from './regrant.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

export const ORIGIN = 'http://regrant.test';
export const GOOGLE_CLIENT = { clientId: 'regrant-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-test-secret' };
export const MICROSOFT_CLIENT = { clientId: '6f1c2a7e-0b1d-4c5e-9f00-1a2b3c4d5e6f', clientSecret: 'Qx18Q~test-secret-value' };

export interface OAuthWorld {
  google: GoogleFake;
  microsoft: MicrosoftFake;
  imap: Dovecot;
  smtp: TestSmtp;
  notify: TestSmtp;
  rg: TestRegrant;
  browser(): TestBrowser;
  /** Connects a mailbox through the real flow as `client`; answers the new account. */
  connect(client: Client, provider: 'google' | 'microsoft', email: string): Promise<AccountView>;
  /** Starts a second Regrant on the same fakes and servers (other settings). */
  regrant(env?: Record<string, string>): Promise<TestRegrant>;
  stop(): Promise<void>;
}

export async function startOAuthWorld(mailboxes: string[], env: Record<string, string> = {}, options: RegrantOptions = {}): Promise<OAuthWorld> {
  // A real browser reaches Regrant on a real port: env.PUBLIC_URL names it.
  const origin = env.PUBLIC_URL ?? ORIGIN;
  const google = await startGoogleFake({ ...GOOGLE_CLIENT, redirectUris: [`${origin}/oauth/google/callback`] });
  const microsoft = await startMicrosoftFake({ ...MICROSOFT_CLIENT, redirectUris: [`${origin}/oauth/microsoft/callback`] });
  for (const m of mailboxes) {
    google.addMailbox(m);
    microsoft.addMailbox(m);
  }
  // The passwd-file users only give Dovecot a mail home; their logins go through the oauth2 passdb.
  const imap = await startDovecot(Object.fromEntries(mailboxes.map((m) => [m, 'not-used-by-xoauth2'])), { oauthIntrospectionUrl: microsoft.introspectionUrl });
  const smtp = await startSmtp({}, { checkOAuthToken: (user, token) => microsoft.checkAccessToken(user, token) });
  const notify = await startSmtp({}, { authOptional: true });
  const baseEnv = {
    GOOGLE_CLIENT_ID: GOOGLE_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT.clientSecret,
    GOOGLE_AUTH_URL: google.authUrl,
    GOOGLE_TOKEN_URL: google.tokenUrl,
    GOOGLE_API_URL: google.apiUrl,
    MICROSOFT_CLIENT_ID: MICROSOFT_CLIENT.clientId,
    MICROSOFT_CLIENT_SECRET: MICROSOFT_CLIENT.clientSecret,
    MICROSOFT_LOGIN_URL: microsoft.loginUrl,
    MICROSOFT_IMAP_URL: `imap://127.0.0.1:${imap.port}`,
    MICROSOFT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`,
    NOTIFY_FROM: 'Regrant <alerts@acme.test>',
    WORKSPACE_NAME: 'Acme',
  };
  const extra: TestRegrant[] = [];
  const rg = await startRegrant({ ...baseEnv, ...env }, options);
  const world: OAuthWorld = {
    google,
    microsoft,
    imap,
    smtp,
    notify,
    rg,
    browser: () => new TestBrowser(rg.app, origin),
    async connect(client, provider, email) {
      const res = await client.post(`/api/connect/${provider}`);
      expect(res.status).toBe(200);
      const { url } = (await res.json()) as { url: string };
      (provider === 'google' ? google : microsoft).nextConsent({ as: email });
      const page = await world.browser().open(url);
      expect(page.html).toMatch(/Mailbox connected/);
      const { accounts } = (await (await client.get('/api/accounts')).json()) as { accounts: AccountView[] };
      return accounts.find((a) => a.email === email)!;
    },
    async regrant(more = {}) {
      const other = await startRegrant({ ...baseEnv, ...env, ...more });
      extra.push(other);
      return other;
    },
    async stop() {
      await Promise.all([rg.destroy(), ...extra.map((r) => r.destroy())]);
      await Promise.all([google.close(), microsoft.close(), imap.stop(), smtp.stop(), notify.stop()]);
    },
  };
  return world;
}
