/**
 * Microsoft identity platform v2.0 endpoints, spoken with fetch: the authorize URL, the
 * code and refresh-token grants (PKCE, confidential client), and the id_token's claims.
 *
 * @example const grant = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token }, signal);
 */
import type { MicrosoftConfig } from '../../config/index.ts';
import { OAuthRequestError, ProviderHttpError } from '../errors.ts';
import type { TokenGrant } from '../types.ts';

export const MICROSOFT_SCOPES = ['offline_access', 'openid', 'email', 'profile', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'];

const endpoint = (config: MicrosoftConfig, name: 'authorize' | 'token') => `${config.loginUrl}/${encodeURIComponent(config.tenant)}/oauth2/v2.0/${name}`;

export function authorizeUrl(config: MicrosoftConfig, p: { state: string; codeChallenge: string; redirectUri: string; loginHint: string | null }): string {
  const url = new URL(endpoint(config, 'authorize'));
  const params: Record<string, string> = {
    client_id: config.clientId ?? '',
    response_type: 'code',
    redirect_uri: p.redirectUri,
    response_mode: 'query',
    scope: MICROSOFT_SCOPES.join(' '),
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
    // Let the person pick the right account even when the browser is signed in to another.
    prompt: 'select_account',
  };
  if (p.loginHint) params.login_hint = p.loginHint;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** POSTs a grant to the token endpoint; a refusal becomes an OAuthRequestError with Microsoft's fields. */
export async function tokenRequest(config: MicrosoftConfig, grant: Record<string, string>, signal: AbortSignal): Promise<TokenGrant> {
  const body = new URLSearchParams({
    client_id: config.clientId ?? '',
    client_secret: config.clientSecret ?? '',
    scope: MICROSOFT_SCOPES.join(' '),
    ...grant,
  });
  const response = await fetch(endpoint(config, 'token'), { method: 'POST', body, signal, headers: { accept: 'application/json' } });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ProviderHttpError(response.status, text.slice(0, 300));
  }
  if (!response.ok) throw new OAuthRequestError(response.status, json);
  if (typeof json.access_token !== 'string') throw new OAuthRequestError(response.status, { error: 'invalid_response', error_description: 'no access_token in the answer' });
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : null,
    grantedScopes: typeof json.scope === 'string' ? json.scope.split(/\s+/).filter(Boolean) : [],
    idToken: typeof json.id_token === 'string' ? json.id_token : null,
  };
}
