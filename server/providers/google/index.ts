/**
 * Gmail mailboxes: sign-in with Google's OAuth consent (code + PKCE, offline access), health
 * check = refresh the access token, then read the Gmail profile with it. The refresh token is
 * refreshed by this code; nothing else ever sees it.
 *
 * @example const google = googleProvider(config.google); await google.check(mailbox, ctx);
 */
import { gmail } from '@googleapis/gmail';
import { CodeChallengeMethod, type OAuth2Client } from 'google-auth-library';
import { SIGN_IN_LABEL } from '../../../shared/api.ts';
import type { GoogleConfig } from '../../config/index.ts';
import { providerError } from '../http-error.ts';
import { resultOf } from '../settle.ts';
import type { OAuthProvider, TokenGrant } from '../types.ts';
import { httpErrorOf } from '../errors.ts';
import { googleClient, refreshedClient, revocationUrl } from './client.ts';
import { ProviderFailure } from '../failure.ts';
import { gmailScan, gmailSender } from './mail.ts';

export const GOOGLE_SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'];
const REQUIRED = GOOGLE_SCOPES.slice(2);
const INTERACTIVE_TIMEOUT_MS = 20_000;

async function profileAddress(config: GoogleConfig, client: OAuth2Client): Promise<string> {
  const api = gmail({ version: 'v1', auth: client, rootUrl: config.apiUrl });
  const { data } = await api.users.getProfile({ userId: 'me' });
  if (!data.emailAddress) throw new Error('Gmail answered a profile without an address');
  return data.emailAddress.toLowerCase();
}

export function googleProvider(config: GoogleConfig): OAuthProvider {
  const revokeUrl = revocationUrl(config);
  return {
    kind: 'google',
    label: SIGN_IN_LABEL.google,
    requiredScopes: REQUIRED,
    consentOrigin: new URL(config.authUrl).origin,

    authorizationUrl({ state, codeChallenge, redirectUri, loginHint }) {
      return googleClient(config, { redirectUri }).generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: GOOGLE_SCOPES,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
    },

    async exchange(code, codeVerifier, redirectUri): Promise<TokenGrant> {
      const signal = AbortSignal.timeout(INTERACTIVE_TIMEOUT_MS);
      try {
        const { tokens } = await googleClient(config, { redirectUri, signal }).getToken({ code, codeVerifier, redirect_uri: redirectUri });
        if (!tokens.access_token) throw new Error('Google answered without an access token');
        return {
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token ?? null,
          grantedScopes: (tokens.scope ?? '').split(/\s+/).filter(Boolean),
          idToken: tokens.id_token ?? null,
        };
      } catch (error) {
        throw providerError(error);
      }
    },

    async identity(grant) {
      const signal = AbortSignal.timeout(INTERACTIVE_TIMEOUT_MS);
      const client = googleClient(config, { signal });
      // No expiry_date: the library would count a token expiring within 5 minutes as expired and try to refresh it.
      client.setCredentials({ access_token: grant.accessToken });
      try {
        return await profileAddress(config, client);
      } catch (error) {
        throw providerError(error);
      }
    },

    async discard(grant) {
      // In the body, not the query string the library would use: a failed request's message
      // quotes its URL, and that must not carry a live token into a log.
      const token = grant.refreshToken ?? grant.accessToken;
      let response: Response;
      try {
        response = await fetch(revokeUrl, { method: 'POST', body: new URLSearchParams({ token }), signal: AbortSignal.timeout(INTERACTIVE_TIMEOUT_MS) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const code = cause?.code ?? cause?.message ?? (error as Error).name;
        throw new Error(`Google's revocation endpoint could not be reached (${code})`);
      }
      if (!response.ok) throw httpErrorOf(response.status, await response.json().catch(() => null));
    },

    async check(mailbox, ctx) {
      let client: OAuth2Client;
      try {
        client = await refreshedClient(config, mailbox, ctx);
      } catch (error) {
        if (error instanceof ProviderFailure) return resultOf([error.failure]);
        throw error;
      }
      try {
        await profileAddress(config, client);
      } catch (error) {
        return resultOf([{ source: 'gmail_api', error: providerError(error, ctx.signal) }]);
      }
      return { ok: true };
    },

    openSender: (mailbox, ctx) => gmailSender(config, mailbox, ctx),
    scan: (mailbox, request, ctx) => gmailScan(config, mailbox, request, ctx),
  };
}
