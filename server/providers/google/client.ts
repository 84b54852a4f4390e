/**
 * google-auth-library's OAuth2Client pointed at the configured endpoints. Its HTTP client
 * (gaxios) would retry 5xx, 429 and network errors by itself, up to 3 times with seconds of
 * back-off; Regrant owns retrying (the health schedule, the person pressing the button), so
 * every request here is made once, bounded by the caller's signal.
 *
 * @example const client = googleClient(config.google, { redirectUri, signal });
 */
import { OAuth2Client } from 'google-auth-library';
import type { GoogleConfig } from '../../config/index.ts';
import { ProviderFailure } from '../failure.ts';
import { providerError } from '../http-error.ts';
import type { CheckContext, MailboxCredentials } from '../types.ts';

export interface GoogleClientOptions {
  redirectUri?: string;
  signal?: AbortSignal;
}

export function googleClient(config: GoogleConfig, options: GoogleClientOptions = {}): OAuth2Client {
  const client = new OAuth2Client({
    clientId: config.clientId ?? undefined,
    clientSecret: config.clientSecret ?? undefined,
    redirectUri: options.redirectUri,
    endpoints: { oauth2AuthBaseUrl: config.authUrl, oauth2TokenUrl: config.tokenUrl, oauth2RevokeUrl: revocationUrl(config) },
  });
  client.transporter.interceptors.request.add({
    resolved: async (request) => {
      request.retry = false;
      delete request.retryConfig;
      // Node's own fetch, not the node-fetch gaxios loads by default: aborting a node-fetch
      // request whose answer has begun emits 'error' on a stream nobody listens to, an
      // uncaught exception (seen when a send was cut off at its deadline).
      request.fetchImplementation = fetch;
      if (options.signal) request.signal = options.signal;
      return request;
    },
  });
  return client;
}

/** Google's revocation endpoint sits beside its token endpoint (…/token → …/revoke). */
export function revocationUrl(config: GoogleConfig): string {
  return config.tokenUrl.replace(/\/token$/, '/revoke');
}

/**
 * A client holding a freshly refreshed access token for the mailbox; a refused refresh throws
 * a ProviderFailure from the token endpoint, so a later refusal is the API's.
 */
export async function refreshedClient(config: GoogleConfig, mailbox: MailboxCredentials, ctx: CheckContext): Promise<OAuth2Client> {
  if (!mailbox.refreshToken) throw new Error(`Google account ${mailbox.id} has no refresh token`);
  const client = googleClient(config, { signal: ctx.signal });
  client.setCredentials({ refresh_token: mailbox.refreshToken });
  try {
    await client.getAccessToken();
  } catch (error) {
    throw new ProviderFailure({ source: 'google_token', error: providerError(error, ctx.signal) });
  }
  return client;
}
