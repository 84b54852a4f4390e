/**
 * Outlook / Microsoft 365 mailboxes: sign-in with Microsoft's consent (code + PKCE), health
 * check = refresh the token (storing the rotated refresh token at once), then XOAUTH2 logins
 * to IMAP and SMTP with the fresh access token. Both are checked because a tenant can turn
 * SMTP AUTH off while IMAP still works, and then nothing is sent.
 *
 * MICROSOFT_IMAP_URL and MICROSOFT_SMTP_URL are reached through the host guard as well.
 *
 * @example const microsoft = microsoftProvider(config.microsoft, hosts);
 */
import { SIGN_IN_LABEL } from '../../../shared/api.ts';
import type { MicrosoftConfig } from '../../config/index.ts';
import type { HostGuard } from '../../net/index.ts';
import { verifyImapLogin } from '../mail/imap.ts';
import { forOAuthLogin, mailServerFromUrl } from '../mail/server.ts';
import { openSmtpSender, verifySmtpLogin } from '../mail/smtp.ts';
import { scanImap } from '../mail/imap-scan.ts';
import { ProviderFailure } from '../failure.ts';
import type { CheckContext, MailboxCredentials } from '../types.ts';
import { providerError } from '../http-error.ts';
import { resultOf, settle } from '../settle.ts';
import type { OAuthProvider } from '../types.ts';
import { idTokenEmail } from '../id-token.ts';
import { authorizeUrl, MICROSOFT_SCOPES, tokenRequest } from './oauth.ts';

const REQUIRED = MICROSOFT_SCOPES.slice(4);

/**
 * `shared`, or the abort's reason once `signal` aborts: a caller gives up on a shared refresh, the refresh goes on.
 * A caller that joined late gets the refresh's own timeout (a TimeoutError) before its deadline: still a timeout.
 */
function untilAborted<T>(shared: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
const INTERACTIVE_TIMEOUT_MS = 20_000;

export function microsoftProvider(config: MicrosoftConfig, hosts: HostGuard): OAuthProvider {
  const imap = forOAuthLogin(mailServerFromUrl(config.imapUrl));
  const smtp = forOAuthLogin(mailServerFromUrl(config.smtpUrl));
  const guarded = (ctx: CheckContext) => ({ ...ctx, hosts });

  // A check, a send and an inbox scan of one mailbox may want a token at about the same time:
  // a refresh token is spent once (the one it rotates to may be all that works afterwards), and
  // whoever still holds the spent one gets the access token its refresh gave, for a while.
  const refreshing = new Map<string, Promise<{ accessToken: string; refreshToken: string | null }>>();
  const SPENT_MS = 5 * 60_000;

  /** A fresh access token; the rotated refresh token is stored before anything else. */
  async function accessToken(mailbox: MailboxCredentials, ctx: CheckContext): Promise<string> {
    const refreshToken = mailbox.refreshToken;
    if (!refreshToken) throw new Error(`Microsoft account ${mailbox.id} has no refresh token`);
    let run = refreshing.get(refreshToken);
    if (!run) {
      run = (async () => {
        // Its own time limit: a caller that joins must not inherit the first caller's abort.
        const grant = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken }, AbortSignal.timeout(ctx.timeoutMs));
        // The old refresh token may stop working soon: keep the new one before anything else.
        if (grant.refreshToken && grant.refreshToken !== refreshToken) await ctx.rotatedRefreshToken?.(grant.refreshToken);
        return { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
      })();
      refreshing.set(refreshToken, run);
      run.then(
        () => setTimeout(() => refreshing.delete(refreshToken), SPENT_MS).unref(),
        () => refreshing.delete(refreshToken),
      );
      return (await untilAborted(run, ctx.signal)).accessToken;
    }
    const shared = await untilAborted(run, ctx.signal);
    // Joined another caller's refresh: this caller, too, now signs in with the rotated token.
    if (shared.refreshToken && shared.refreshToken !== refreshToken) await ctx.rotatedRefreshToken?.(shared.refreshToken);
    return shared.accessToken;
  }
  async function tokenFor(mailbox: MailboxCredentials, ctx: CheckContext): Promise<string> {
    try {
      return await accessToken(mailbox, ctx);
    } catch (error) {
      throw new ProviderFailure({ source: 'microsoft_token', error: providerError(error, ctx.signal) });
    }
  }

  return {
    kind: 'microsoft',
    label: SIGN_IN_LABEL.microsoft,
    requiredScopes: REQUIRED,
    consentOrigin: new URL(config.loginUrl).origin,

    authorizationUrl: (request) => authorizeUrl(config, request),

    async exchange(code, codeVerifier, redirectUri) {
      return tokenRequest(config, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri }, AbortSignal.timeout(INTERACTIVE_TIMEOUT_MS));
    },

    async identity(grant) {
      if (!grant.idToken) throw new Error('Microsoft answered without an id_token: is the openid scope allowed for the app?');
      const address = idTokenEmail(grant.idToken);
      if (!address) throw new Error('the Microsoft sign-in did not say which mailbox it is (no email or preferred_username)');
      return address;
    },

    async confirmMailbox(grant, email) {
      const signal = AbortSignal.timeout(INTERACTIVE_TIMEOUT_MS);
      // Exchange Online lets a token into a mailbox only when it belongs to it: this, not the
      // id_token's claims, is what shows the grant is for this mailbox.
      await verifyImapLogin(imap, { user: email, accessToken: grant.accessToken }, { signal, timeoutMs: INTERACTIVE_TIMEOUT_MS, hosts });
    },

    async check(mailbox, ctx) {
      let token: string;
      try {
        token = await accessToken(mailbox, ctx);
      } catch (error) {
        return resultOf([{ source: 'microsoft_token', error: providerError(error, ctx.signal) }]);
      }
      const login = { user: mailbox.email, accessToken: token };
      return resultOf(await Promise.all([settle('imap', verifyImapLogin(imap, login, guarded(ctx)), ctx.signal, true), settle('smtp', verifySmtpLogin(smtp, login, guarded(ctx)), ctx.signal, true)]));
    },

    async openSender(mailbox, ctx) {
      return openSmtpSender(smtp, { user: mailbox.email, accessToken: await tokenFor(mailbox, ctx) }, guarded(ctx), true);
    },

    async scan(mailbox, request, ctx) {
      return scanImap(imap, { user: mailbox.email, accessToken: await tokenFor(mailbox, ctx) }, request, guarded(ctx), true);
    },
  };
}
