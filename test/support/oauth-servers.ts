/**
 * The servers a Google/Microsoft story runs against, started together and without vitest, so
 * that tests (oauth-world.ts) and the demo build the same world: the two provider fakes,
 * Dovecot introspecting Microsoft tokens at the fake, smtp-server checking XOAUTH2 tokens with
 * it, and an SMTP server catching alert emails. `env` points Regrant at all of them.
 *
 * @example
 *   const servers = await startOAuthServers(['mia@acme.test'], { origin: 'http://127.0.0.1:8787' });
 *   const rg = await startRegrant({ ...servers.env, PUBLIC_URL: 'http://127.0.0.1:8787' });
 *   const account = await connectThroughConsent(browser, admin, servers, 'google', 'mia@acme.test');
 */
import type { AccountView } from '../../shared/api.ts';
import { startGoogleFake, type GoogleFake } from '../fakes/google.ts';
import { startMicrosoftFake, type MicrosoftFake } from '../fakes/microsoft.ts';
import type { TestBrowser } from './browser.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { freePort } from './ports.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from './smtp.ts';

export const ORIGIN = 'http://regrant.test';
export const GOOGLE_CLIENT = { clientId: 'regrant-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-test-secret' };
export const MICROSOFT_CLIENT = { clientId: '6f1c2a7e-0b1d-4c5e-9f00-1a2b3c4d5e6f', clientSecret: 'Qx18Q~test-secret-value' };

export interface OAuthServersOptions {
  /** Regrant's PUBLIC_URL: the fakes accept callbacks there only. */
  origin?: string;
  /** Mailboxes with passwords (custom ones): Dovecot and smtp-server users. Kept live: change a value, then tell the servers. */
  passwords?: Record<string, string>;
  /** false: no Dovecot (not installed); Outlook's IMAP then points at a closed port. */
  imap?: boolean;
  /** What smtp-server does with accepted mail (e.g. `intoInboxes`). */
  deliver?: (mail: ReceivedMail) => Promise<void>;
}

export interface OAuthServers {
  google: GoogleFake;
  microsoft: MicrosoftFake;
  /** null when started with `imap: false`. */
  imap: Dovecot | null;
  /** Outlook's SMTP (XOAUTH2 checked by the Microsoft fake) and the custom mailboxes' (passwords). */
  smtp: TestSmtp;
  /** Catches Regrant's alert emails. */
  notify: TestSmtp;
  /** Regrant's settings for all of the above (no PUBLIC_URL, no DATA_DIR). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Dovecot's passwd-file password of OAuth mailboxes: it only gives them a mail home. */
export const XOAUTH2_ONLY = 'not-used-by-xoauth2';

export async function startOAuthServers(mailboxes: string[], options: OAuthServersOptions = {}): Promise<OAuthServers> {
  const origin = options.origin ?? ORIGIN;
  const passwords = options.passwords ?? {};
  const google = await startGoogleFake({ ...GOOGLE_CLIENT, redirectUris: [`${origin}/oauth/google/callback`, `${origin}/login/google/callback`] });
  const microsoft = await startMicrosoftFake({ ...MICROSOFT_CLIENT, redirectUris: [`${origin}/oauth/microsoft/callback`, `${origin}/login/microsoft/callback`] });
  for (const m of mailboxes) {
    google.addMailbox(m);
    microsoft.addMailbox(m);
  }
  // The OAuth mailboxes' logins go through the oauth2 passdb; the passwd-file gives them a home.
  const users = { ...Object.fromEntries(mailboxes.map((m) => [m, XOAUTH2_ONLY])), ...passwords };
  const imap = options.imap === false ? null : await startDovecot(users, { oauthIntrospectionUrl: microsoft.introspectionUrl });
  const smtp = await startSmtp(passwords, { checkOAuthToken: (user, token) => microsoft.checkAccessToken(user, token), deliver: options.deliver });
  const notify = await startSmtp({}, { authOptional: true });
  const env = {
    GOOGLE_CLIENT_ID: GOOGLE_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT.clientSecret,
    GOOGLE_AUTH_URL: google.authUrl,
    GOOGLE_TOKEN_URL: google.tokenUrl,
    GOOGLE_API_URL: google.apiUrl,
    MICROSOFT_CLIENT_ID: MICROSOFT_CLIENT.clientId,
    MICROSOFT_CLIENT_SECRET: MICROSOFT_CLIENT.clientSecret,
    MICROSOFT_LOGIN_URL: microsoft.loginUrl,
    // Never Office 365 itself: without Dovecot, a loopback port where nothing listens.
    MICROSOFT_IMAP_URL: `imap://127.0.0.1:${imap ? imap.port : await freePort()}`,
    MICROSOFT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`,
    NOTIFY_FROM: 'Regrant <alerts@acme.test>',
    WORKSPACE_NAME: 'Acme',
  };
  return {
    google,
    microsoft,
    imap,
    smtp,
    notify,
    env,
    async stop() {
      await Promise.all([google.close(), microsoft.close(), imap?.stop(), smtp.stop(), notify.stop()]);
    },
  };
}

interface ApiClient {
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

/**
 * Adds a Google or Microsoft mailbox through the real flow, as `client`: a connect URL, the
 * fake's consent as `email` (pressing Allow when the Google fake shows its screen), back to
 * Regrant. Answers the new account; throws, saying where it stopped, when it did not connect.
 */
export async function connectThroughConsent(
  browser: TestBrowser,
  client: ApiClient,
  servers: Pick<OAuthServers, 'google' | 'microsoft'>,
  provider: 'google' | 'microsoft',
  email: string,
  /** A member's connect of an address not their own waits for an admin: this approves it (absent: throw). */
  approveHeld?: () => Promise<void>,
): Promise<AccountView> {
  const res = await client.post(`/api/connect/${provider}`);
  if (res.status !== 200) throw new Error(`POST /api/connect/${provider} answered ${res.status}: ${await res.text()}`);
  const { url } = (await res.json()) as { url: string };
  const page = await consent(browser, servers, provider, email, url);
  const held = /Waiting for an administrator/.test(page.html);
  if (held && approveHeld) await approveHeld();
  else if (!/Mailbox connected/.test(page.html)) throw new Error(`connecting ${email} ended on ${page.url} (${page.status}) without "Mailbox connected"`);
  const { accounts } = (await (await client.get('/api/accounts')).json()) as { accounts: AccountView[] };
  const account = accounts.find((a) => a.email === email);
  if (!account) throw new Error(`${email} is not among the caller's accounts after connecting`);
  return account;
}

/**
 * Opens a connect, re-grant or share-link start URL and consents as `email`, as a person
 * would: through the Google fake's consent screen when it is on. Answers Regrant's last page.
 */
export async function consent(browser: TestBrowser, servers: Pick<OAuthServers, 'google' | 'microsoft'>, provider: 'google' | 'microsoft', email: string, url: string, init?: RequestInit) {
  (provider === 'google' ? servers.google : servers.microsoft).nextConsent({ as: email });
  let page = await browser.open(url, init);
  // A connect URL first shows who will hold the mailbox; its button goes on.
  if (page.status === 200 && /<form method="post" action="\/oauth\/start\//.test(page.html)) page = await browser.submit(url);
  // The screen's Allow button repeats the authorization request, approved.
  if (provider === 'google' && page.url.startsWith(servers.google.authUrl)) return browser.open(`${page.url}&fake_allowed=1`);
  return page;
}
