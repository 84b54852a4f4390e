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
