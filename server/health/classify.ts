/**
 * Decides whether a failed check means "the login is gone" (needs_reauth), "an admin or the
 * app's configuration must change" (admin_action) or "passing trouble" (transient).
 * One table, first matching row wins; anything unrecognised is transient, because a wrong
 * "re-authenticate" alarm costs people more than one more retry.
 *
 * @example
 *   classify({ source: 'smtp', error }) // { verdict: 'needs_reauth', code: 'smtp_auth_failed', … }
 */
import type { Failure, FailureSource } from '../providers/errors.ts';
import { factsOf, type ErrorFacts } from './facts.ts';

export type { Failure };

export type Verdict = 'ok' | 'needs_reauth' | 'admin_action' | 'transient';

/** never: dead credentials wait for a person; slow: hourly then daily; normal: the usual interval. */
export type RetryPolicy = 'never' | 'slow' | 'normal';

export interface Classification {
  verdict: Exclude<Verdict, 'ok'>;
  code: string;
  message: string;
  hint: string;
  retry: RetryPolicy;
  /** What the server said, for the event log. Never holds a secret: servers do not echo them. */
  detail: string;
  /** Where it happened, in words ("smtp.example.com", "Google's sign-in service"), when the caller knows. */
  place?: string;
}

interface Rule {
  sources: FailureSource[];
  when: (f: ErrorFacts) => boolean;
  verdict: Classification['verdict'];
  code: string;
  message: string;
  hint: string;
  retry: RetryPolicy;
}

const NETWORK = ['smtp', 'imap', 'google_token', 'gmail_api', 'microsoft_token', 'check'] as FailureSource[];
const OAUTH = ['google_token', 'gmail_api', 'microsoft_token'] as FailureSource[];
const TIMEOUTS = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'CHECK_TIMEOUT', 'TIMEOUT_ERR', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const DNS = new Set(['EDNS', 'ENOTFOUND', 'EAI_AGAIN']);
const NET = new Set(['ECONNECTION', 'ESOCKET', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'UND_ERR_SOCKET']);
const isTls = (f: ErrorFacts) =>
  f.code === 'ETLS' || f.code === 'ClosedAfterConnectTLS' || /SSL routines|wrong version number|self[- ]signed certificate|certificate has expired|TLS handshake/i.test(f.text) || /^ERR_SSL|^CERT_|^UNABLE_TO_VERIFY|^DEPTH_ZERO|^SELF_SIGNED|^ERR_TLS/.test(f.code ?? '');
const words = (re: RegExp) => (f: ErrorFacts) => re.test(f.text);
const smtp = (reply: number, enhanced?: string) => (f: ErrorFacts) =>
  f.responseCode === reply && (enhanced === undefined || f.enhanced === enhanced);
const msAny = (codes: number[]) => (f: ErrorFacts) => f.errorCodes.some((c) => codes.includes(c));

const CREDENTIAL_WORDS = /login failed|authenticate failed|authentication failed|invalid (credentials|password|user)|(incorrect|wrong|bad) (password|username|credentials)|credentials (rejected|invalid)/i;
const TEMPORARY_WORDS = /try again|later|busy|too many|temporar|unavailable/i;
const SETTING_OFF_WORDS = /not enabled|disabled|turned off|is off|enable|turn (it )?on/i;
const SETTING_WORDS = /settings?\b|enable|turn (it )?on|disabled|not enabled/i;
const FIX_PASSWORD = 'Enter the mailbox\'s current password in Regrant (or re-import it), then run Test Sending and Test Receiving.';
const REGRANT = 'Re-grant access: press "Continue with Google/Microsoft" or send the mailbox holder a re-authentication link.';

export const RULES: Rule[] = [
  // Regrant itself would not connect: the host is, or now resolves to, an internal address
  // (ALLOW_PRIVATE_HOSTS). No server was contacted, so looking again at the usual pace costs nothing.
  { sources: ['smtp', 'imap', 'check'], when: (f) => f.code === 'HOST_NOT_ALLOWED', verdict: 'admin_action', code: 'host_not_allowed', message: 'The mail server\'s address is on a private or internal network, which Regrant does not connect to.', hint: 'Enter the mail server\'s public host name in the settings. If the server really is on an internal network, the Regrant operator can allow its range with ALLOW_PRIVATE_HOSTS.', retry: 'normal' },
  { sources: ['smtp', 'imap'], when: (f) => f.code === 'NOT_A_MAIL_SERVER', verdict: 'transient', code: 'not_a_mail_server', message: 'Something answered at this host and port, but not a mail server.', hint: 'Check the host and port in the settings.', retry: 'normal' },
  // A check that outlived its time limit, or trouble on the wire: always transient.
  { sources: NETWORK, when: (f) => TIMEOUTS.has(f.code ?? ''), verdict: 'transient', code: 'timeout', message: 'The mail server did not answer in time.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: NETWORK, when: (f) => f.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(f.text), verdict: 'transient', code: 'connection_refused', message: 'The mail server refused the connection.', hint: 'If this lasts, check the host and port in the settings.', retry: 'normal' },
  { sources: NETWORK, when: (f) => DNS.has(f.code ?? ''), verdict: 'transient', code: 'dns_failed', message: 'The mail server\'s name could not be resolved.', hint: 'If this lasts, check the host name in the settings.', retry: 'normal' },
  { sources: NETWORK, when: isTls, verdict: 'transient', code: 'tls_failed', message: 'The secure connection to the mail server could not be set up.', hint: 'If this lasts, check the security setting (TLS, STARTTLS or none) and the port.', retry: 'normal' },

  // SMTP, by reply code first: nodemailer also says EAUTH for temporary 4xx refusals.
  { sources: ['smtp'], when: smtp(535, '5.7.139'), verdict: 'admin_action', code: 'smtp_auth_disabled', message: 'Authenticated SMTP is turned off for this mailbox or its organisation.', hint: 'An administrator must enable SMTP AUTH for this mailbox (Microsoft 365 admin center → Mail → Authenticated SMTP); a new password will not help.', retry: 'slow' },
  { sources: ['smtp'], when: smtp(550, '5.7.30'), verdict: 'admin_action', code: 'basic_auth_retired', message: 'The provider no longer accepts passwords over SMTP for this mailbox.', hint: 'Connect it as a Microsoft or Google mailbox instead; a new password will not help.', retry: 'never' },
  { sources: ['smtp'], when: smtp(534, '5.7.9'), verdict: 'needs_reauth', code: 'app_password_required', message: 'The provider requires an app password for this mailbox.', hint: 'Create an app password in the mailbox\'s security settings and enter it in Regrant.', retry: 'never' },
  { sources: ['smtp'], when: (f) => smtp(534, '5.7.14')(f) || (f.responseCode === 534 && /web browser/i.test(f.text)), verdict: 'needs_reauth', code: 'web_login_required', message: 'The provider blocked the sign-in until someone logs in to the mailbox in a web browser.', hint: 'Sign in to the mailbox once in a browser and approve the security check; Regrant re-tries hourly, then daily.', retry: 'slow' },
  { sources: ['smtp'], when: (f) => f.responseCode !== null && f.responseCode >= 400 && f.responseCode < 500, verdict: 'transient', code: 'smtp_temporary_failure', message: 'The SMTP server refused the sign-in for now.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: ['smtp'], when: (f) => f.responseCode !== null && f.responseCode >= 500 && f.code === 'EAUTH', verdict: 'needs_reauth', code: 'smtp_auth_failed', message: 'The SMTP server rejected the username or password.', hint: FIX_PASSWORD, retry: 'never' },
  // A 5.7.x refusal outside AUTH is policy (blocked client, relay denied): someone must act.
  // Other 5xx without AUTH ("554 too many connections") say nothing about the login.
  { sources: ['smtp'], when: (f) => f.responseCode !== null && f.responseCode >= 500 && (f.enhanced?.startsWith('5.7.') ?? false), verdict: 'admin_action', code: 'smtp_refused', message: 'The SMTP server refused this mailbox by policy.', hint: 'Check the SMTP settings (host, port, security) and ask the mail provider why it refuses this client.', retry: 'slow' },

  // IMAP: imapflow marks every refused login; the response code says why.
  { sources: ['imap'], when: (f) => f.imapCode === 'UNAVAILABLE', verdict: 'transient', code: 'server_unavailable', message: 'The IMAP server is temporarily unavailable.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: ['imap'], when: (f) => f.code === 'ETHROTTLE' || f.imapCode === 'LIMIT' || f.imapCode === 'INUSE', verdict: 'transient', code: 'throttled', message: 'The IMAP server is limiting connections for now.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: ['imap'], when: (f) => f.authFailed && /application-specific password|app password/i.test(f.text), verdict: 'needs_reauth', code: 'app_password_required', message: 'The provider requires an app password for this mailbox.', hint: 'Create an app password in the mailbox\'s security settings and enter it in Regrant.', retry: 'never' },
  { sources: ['imap'], when: (f) => f.authFailed && (f.imapCode === 'WEBALERT' || /web ?browser|web login required|WebLoginRequired/i.test(f.text)), verdict: 'needs_reauth', code: 'web_login_required', message: 'The provider blocked the sign-in until someone logs in to the mailbox in a web browser.', hint: 'Sign in to the mailbox once in a browser and approve the security check; Regrant re-tries hourly, then daily.', retry: 'slow' },
  // An [ALERT] that asks for a setting of the account is the holder's job, not passing trouble.
  { sources: ['imap'], when: (f) => f.authFailed && f.imapCode === 'ALERT' && /\b(IMAP|POP)\b/i.test(f.text) && SETTING_OFF_WORDS.test(f.text), verdict: 'admin_action', code: 'imap_access_off', message: 'IMAP access is turned off in the mailbox\'s settings.', hint: 'The mailbox holder must turn IMAP access on in the account\'s settings (Gmail: Settings → See all settings → Forwarding and POP/IMAP → Enable IMAP); Regrant re-tries hourly, then daily.', retry: 'slow' },
  { sources: ['imap'], when: (f) => f.authFailed && f.imapCode === 'ALERT' && SETTING_WORDS.test(f.text), verdict: 'admin_action', code: 'account_setting_required', message: 'The mail server refuses the sign-in until a setting of the account is changed.', hint: 'The mailbox holder must change the setting the server names (its words are in the mailbox\'s history); Regrant re-tries hourly, then daily.', retry: 'slow' },
  { sources: ['imap'], when: (f) => f.authFailed && f.imapCode === 'EXPIRED', verdict: 'needs_reauth', code: 'password_expired', message: 'The mailbox\'s password has expired.', hint: FIX_PASSWORD, retry: 'never' },
  { sources: ['imap'], when: (f) => f.authFailed && (f.imapCode === 'CONTACTADMIN' || f.imapCode === 'PRIVACYREQUIRED'), verdict: 'admin_action', code: 'imap_admin_required', message: 'The IMAP server refused the sign-in for a reason only its administrator can fix.', hint: 'Ask the mail provider\'s administrator; the server said why in the event details.', retry: 'slow' },
  { sources: ['imap'], when: (f) => f.authFailed && (f.imapCode === 'AUTHENTICATIONFAILED' || f.imapCode === 'AUTHORIZATIONFAILED'), verdict: 'needs_reauth', code: 'imap_auth_failed', message: 'The IMAP server rejected the username or password.', hint: FIX_PASSWORD, retry: 'never' },
  // imapflow marks every tagged NO/BAD to LOGIN as an auth failure. Without a response code
  // only a NO whose words are about the credentials counts; "busy, try later" does not.
  { sources: ['imap'], when: (f) => f.authFailed && f.imapCode === null && /^(\S+ )?NO\b/i.test(f.text) && CREDENTIAL_WORDS.test(f.text) && !TEMPORARY_WORDS.test(f.text), verdict: 'needs_reauth', code: 'imap_auth_failed', message: 'The IMAP server rejected the username or password.', hint: FIX_PASSWORD, retry: 'never' },
  { sources: ['imap'], when: (f) => f.authFailed, verdict: 'transient', code: 'imap_refused', message: 'The IMAP server refused the sign-in without saying the password is wrong.', hint: 'Regrant will check again; the event details hold what the server said.', retry: 'normal' },

  // Google token endpoint and Gmail API.
  { sources: ['google_token'], when: (f) => f.oauthError === 'invalid_grant' && f.oauthSubtype === 'invalid_rapt', verdict: 'admin_action', code: 'reauth_policy', message: 'Google\'s re-authentication policy for this Workspace ended the grant.', hint: 'A Workspace admin must exempt Regrant from the session-length policy (or trust the app); then re-grant.', retry: 'never' },
  { sources: ['google_token'], when: (f) => f.oauthError === 'invalid_grant', verdict: 'needs_reauth', code: 'grant_revoked', message: 'Google says the access was revoked or has expired.', hint: REGRANT, retry: 'never' },
  { sources: ['google_token'], when: (f) => f.oauthError === 'invalid_client' || f.oauthError === 'unauthorized_client', verdict: 'admin_action', code: 'oauth_client_invalid', message: 'Google no longer accepts Regrant\'s OAuth client (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET).', hint: 'The Regrant operator must fix GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET and restart Regrant; re-granting will not help.', retry: 'slow' },
  { sources: ['google_token'], when: (f) => f.oauthError === 'admin_policy_enforced', verdict: 'admin_action', code: 'admin_policy_enforced', message: 'A Google Workspace admin policy blocks Regrant for this mailbox.', hint: 'A Workspace admin must allow Regrant under API controls; then re-grant.', retry: 'never' },
  { sources: ['gmail_api'], when: (f) => f.status === 401, verdict: 'needs_reauth', code: 'token_rejected', message: 'Gmail rejected a freshly issued access token.', hint: REGRANT, retry: 'never' },
  { sources: ['gmail_api'], when: (f) => f.status === 403 && f.apiReasons.includes('domainPolicy'), verdict: 'admin_action', code: 'domain_policy', message: 'The Workspace domain\'s policy blocks Gmail access for Regrant.', hint: 'A Workspace admin must allow Regrant under API controls; then re-grant.', retry: 'never' },
  { sources: ['gmail_api'], when: (f) => f.status === 403 && f.apiReasons.some((r) => r === 'accessNotConfigured' || r === 'SERVICE_DISABLED'), verdict: 'admin_action', code: 'gmail_api_disabled', message: 'The Gmail API is not enabled for Regrant\'s Google Cloud project.', hint: 'The Regrant administrator must enable the Gmail API in the Google Cloud project of GOOGLE_CLIENT_ID; re-granting alone will not help.', retry: 'slow' },
  { sources: ['gmail_api'], when: (f) => f.status === 403 && f.apiReasons.some((r) => r === 'insufficientPermissions' || r === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'), verdict: 'needs_reauth', code: 'scopes_missing', message: 'The grant lacks the Gmail permissions Regrant needs.', hint: REGRANT + ' Tick every requested permission on the consent screen.', retry: 'never' },

  // Microsoft identity platform: the AADSTS number decides, then the OAuth error.
  // Split by who acts (server/alerts/audience.ts): Regrant's operator for its own secret and
  // registration, the organisation's tenant admin for consent. Operator causes are re-tried
  // slowly (and at every start): once the setting is fixed they clear by themselves.
  { sources: ['microsoft_token'], when: msAny([7000215, 7000222]), verdict: 'admin_action', code: 'oauth_secret_rejected', message: 'Microsoft refused Regrant\'s client secret (MICROSOFT_CLIENT_SECRET): it is wrong or has expired.', hint: 'The Regrant operator must put a valid secret of the app registration in MICROSOFT_CLIENT_SECRET and restart Regrant; re-granting will not help.', retry: 'slow' },
  { sources: ['microsoft_token'], when: msAny([700016, 50011, 70011]), verdict: 'admin_action', code: 'oauth_app_misconfigured', message: 'Microsoft rejected Regrant\'s app registration (client id, redirect URI or scope).', hint: 'The Regrant operator must fix the app registration in Entra ID or MICROSOFT_CLIENT_ID (redirect URI $PUBLIC_URL/oauth/microsoft/callback) and restart Regrant; re-granting will not help.', retry: 'slow' },
  { sources: ['microsoft_token'], when: msAny([90094]), verdict: 'admin_action', code: 'admin_consent_required', message: 'The organisation requires an administrator\'s consent before Regrant may use its mailboxes.', hint: 'A Microsoft 365 admin of the organisation must grant admin consent to Regrant (Entra admin center → Enterprise applications → Regrant → Permissions); re-granting alone will not help.', retry: 'slow' },
  { sources: ['microsoft_token'], when: (f) => msAny([90055, 50196])(f) || f.oauthError === 'temporarily_unavailable' || f.oauthError === 'server_error', verdict: 'transient', code: 'provider_unavailable', message: 'Microsoft\'s sign-in service is busy or unavailable.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: ['microsoft_token'], when: (f) => msAny([50173, 700082, 70008, 50076, 50079, 65001, 65004, 50126, 50053, 50055, 50057, 53003, 70000])(f) || ['invalid_grant', 'interaction_required', 'consent_required'].includes(f.oauthError ?? ''), verdict: 'needs_reauth', code: 'grant_revoked', message: 'Microsoft says the access was revoked, expired or needs the holder to sign in again.', hint: REGRANT, retry: 'never' },

  // Rate limits and provider outages.
  { sources: OAUTH, when: (f) => f.status === 429 || (f.status === 403 && f.apiReasons.some((r) => /rateLimit|quota/i.test(r))), verdict: 'transient', code: 'rate_limited', message: 'The provider is rate-limiting requests for now.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: OAUTH, when: (f) => f.status !== null && f.status >= 500, verdict: 'transient', code: 'provider_unavailable', message: 'The provider answered with a server error.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
  { sources: NETWORK, when: (f) => NET.has(f.code ?? '') || /socket hang up|ECONNRESET|fetch failed/i.test(f.text), verdict: 'transient', code: 'network_error', message: 'The connection to the mail server broke off.', hint: 'Nothing to do yet: Regrant will check again.', retry: 'normal' },
];

const UNKNOWN: Omit<Classification, 'detail'> = {
  verdict: 'transient',
  code: 'unknown_error',
  message: 'The check failed for a reason Regrant does not recognise.',
  hint: 'Regrant will check again; the event details hold what the server said.',
  retry: 'normal',
};

/** Index of the first rule matching the failure, or -1: lets tests prove every row is reachable. */
export function matchRule(failure: Failure): number {
  const facts = factsOf(failure.error);
  return RULES.findIndex((r) => r.sources.includes(failure.source) && r.when(facts));
}

/** A refused XOAUTH2 login: the token was just issued, so the grant no longer opens this mailbox. */
const XOAUTH2_REJECTED = { code: 'xoauth2_rejected', message: 'The mail server refused the sign-in with a freshly issued access token.', hint: REGRANT };

export function classify(failure: Failure): Classification {
  const facts = factsOf(failure.error);
  const rule = RULES[matchRule(failure)] ?? UNKNOWN;
  const { verdict, message, hint, retry } = rule;
  const detail = `${failure.source}: ${facts.text}`.slice(0, 500);
  if (failure.oauth && (rule.code === 'imap_auth_failed' || rule.code === 'smtp_auth_failed')) {
    return { verdict, retry, detail, ...XOAUTH2_REJECTED };
  }
  return { verdict, code: rule.code, message, hint, retry, detail };
}

const SEVERITY: Record<Classification['verdict'], number> = { needs_reauth: 3, admin_action: 3, transient: 1 };
// Between two definitive failures the stricter retry wins: a rejected IMAP password must not
// be re-tried hourly because SMTP asked for a web login.
const RETRY_WEIGHT: Record<RetryPolicy, number> = { never: 0.2, slow: 0.1, normal: 0 };
const weight = (c: Classification) => SEVERITY[c.verdict] + RETRY_WEIGHT[c.retry];

/** The failure that matters most when a mailbox fails more than one way (SMTP and IMAP). */
export function worst(classifications: Classification[]): Classification | null {
  return classifications.reduce<Classification | null>((a, b) => (!a || weight(b) > weight(a) ? b : a), null);
}
