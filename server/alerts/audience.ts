/**
 * Who can fix a cause, and so who hears of it. Operator causes (Regrant's own OAuth client,
 * its Google project, a provider not configured) only Regrant's operator can fix: admins alone
 * are told, once, with the setting to change. Tenant causes (consent, SMTP AUTH off, a Workspace
 * policy) need the organisation's admin: everyone is told the tenant admin's fix in words, and
 * that a re-grant would not help. Everything else is the holder's (a password, a revoked grant, a
 * setting of the account): admins, the owner and the mailbox itself.
 *
 * @example
 *   audienceOf('oauth_secret_rejected'); // 'operator'
 *   OPERATOR_CAUSES.oauth_secret_rejected.setting; // 'MICROSOFT_CLIENT_SECRET'
 */
export type Audience = 'operator' | 'tenant' | 'holder';

export interface OperatorCause {
  /** The setting the operator changes, as named in the README. */
  setting: string;
  /** The one cause, in words, for the operator alert and the banner. */
  title: string;
}

export const OPERATOR_CAUSES: Record<string, OperatorCause> = {
  oauth_secret_rejected: { setting: 'MICROSOFT_CLIENT_SECRET', title: 'Microsoft refuses Regrant\'s client secret' },
  oauth_app_misconfigured: { setting: 'MICROSOFT_CLIENT_ID and its app registration (redirect URI, scopes)', title: 'Microsoft refuses Regrant\'s app registration' },
  oauth_client_invalid: { setting: 'GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET', title: 'Google refuses Regrant\'s OAuth client' },
  gmail_api_disabled: { setting: 'the Gmail API of the Google Cloud project of GOOGLE_CLIENT_ID', title: 'The Gmail API is not enabled for Regrant\'s Google project' },
  provider_not_configured: { setting: 'GOOGLE_CLIENT_ID / MICROSOFT_CLIENT_ID and their secrets', title: 'A provider is not configured on this Regrant server' },
};

const TENANT_CAUSES = new Set(['admin_consent_required', 'smtp_auth_disabled', 'admin_policy_enforced', 'reauth_policy', 'domain_policy', 'imap_admin_required']);

export function audienceOf(code: string | null): Audience {
  if (code && code in OPERATOR_CAUSES) return 'operator';
  if (code && TENANT_CAUSES.has(code)) return 'tenant';
  return 'holder';
}

export const OPERATOR_CODES = Object.keys(OPERATOR_CAUSES);
