/**
 * Re-authentication: connecting Google/Microsoft mailboxes, one-time re-grant URLs, share
 * links, and the OAuth callback that ends each of them. Every path ends in an Outcome value
 * that the pages render; nothing here knows about HTTP.
 *
 * @example
 *   const reauth = createReauth(deps);
 *   const { url } = await reauth.regrant(actor, accountId);   // the popup's "Re-grant"
 *   const outcome = await reauth.callback('google', query, browserId);
 */
import { SIGN_IN_LABEL, type ProviderKind } from '../../shared/api.ts';
import type { Actor, Accounts, SignInTest } from '../accounts/index.ts';
import { findAccount, findAccountByEmail } from '../accounts/repository.ts';
import { findUser } from '../auth/repository.ts';
import type { Config } from '../config/index.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import type { AccountRow } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { classify } from '../health/classify.ts';
import type { Health } from '../health/check.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { Notifier } from '../notify/index.ts';
import { isOAuthProvider, type ProviderRegistry } from '../providers/index.ts';
import { OAuthRequestError } from '../providers/errors.ts';
import { idTokenEmail } from '../providers/id-token.ts';
import type { OAuthProvider, TokenGrant } from '../providers/types.ts';
import { createAttempts, type AttemptDraft, type Begun } from './attempts.ts';
import { LinkGone, storeNewAccount, storeRegrant } from './grant.ts';
import type { Outcome } from './outcomes.ts';
import { createPendingConnections } from './pending.ts';
import { createRepair, type RepairAnswer, type RepairForm, type RepairPageView } from './repair.ts';
import { createShareLinks } from './share-links.ts';

export interface ReauthDeps {
  db: Db;
  sealer: Sealer;
  accounts: Accounts;
  health: Health;
  notifier: Notifier;
  providers: ProviderRegistry;
  logger: Logger;
  config: Pick<Config, 'publicUrl' | 'workspaceName' | 'shareLinkTtlHours' | 'checkIntervalSeconds'>;
  metrics?: Pick<Metrics, 'shareLinkCreated' | 'shareLinkUsed'>;
  /** Signs in to one side with settings not saved yet: a repair link's password is tried with it. */
  signIn: SignInTest;
}

export type OAuthKind = 'google' | 'microsoft';
export const OAUTH_KINDS: OAuthKind[] = ['google', 'microsoft'];

/** What the share-link page shows: the mailbox, the workspace, the button. Nothing else. */
export interface SharePageView {
  email: string;
  provider: string;
  workspace: string;
}

/** What the one-time connect URL shows before the consent screen. */
export interface ConnectConfirmView {
  requester: string;
  provider: string;
  workspace: string;
}

export type Redirect = { redirect: string };

/** Outcomes that keep the grant: stored with a mailbox, or held for an admin's decision. */
const KEPT = new Set<Outcome['kind']>(['reconnected', 'connected', 'connect_held', 'replace_held']);

/** Why a callback's `error` means "the person said no" rather than "something broke". */
const DECLINED = new Set(['access_denied', 'consent_required', 'interaction_required', 'login_required']);

function setupHint(kind: OAuthKind): string {
  const prefix = kind.toUpperCase();
  return `${SIGN_IN_LABEL[kind]} sign-in is not set up on this server: the Regrant administrator must set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET (see the README).`;
}

/** "error: description" as a provider words it, without Microsoft's trace and correlation ids. */
function errorText(error: string, description: unknown): string {
  const first = typeof description === 'string' ? description.split(/\r?\n| Trace ID:/)[0] : '';
  return first ? `${error}: ${first}` : error;
}

function providerMessage(error: unknown): string {
  if (error instanceof OAuthRequestError && error.code) return errorText(error.code, error.description);
  return error instanceof Error ? error.message : String(error);
}

/**
 * The required scopes a grant lacks. Scopes are compared by their last path segment, without
 * case ("…/IMAP.AccessAsUser.All" whatever the resource host); an answer without `scope`
 * means the requested scopes were granted (RFC 6749 §5.1), and the checks show otherwise.
 */
export function missingScopes(required: string[], granted: string[]): string[] {
  if (granted.length === 0) return [];
  const name = (scope: string) => scope.toLowerCase().replace(/^.*\//, '');
  const have = new Set(granted.map(name));
  return required.filter((scope) => !have.has(name(scope)));
}

export function createReauth(deps: ReauthDeps) {
  const { db, accounts, health, notifier, logger, config } = deps;
  const attempts = createAttempts({ db, sealer: deps.sealer, publicUrl: config.publicUrl });
  const links = createShareLinks({ db, publicUrl: config.publicUrl, ttlHours: config.shareLinkTtlHours });
  const grantDeps = { db, accounts, links };
  const pending = createPendingConnections({
    ...grantDeps,
    sealer: deps.sealer,
    notifier,
    logger,
    workspaceName: config.workspaceName,
    publicUrl: config.publicUrl,
    oauth: (kind) => oauth(kind),
    announceReconnected: (id) => health.announceReconnected(id),
  });
  const repair = createRepair({ db, accounts, links, signIn: deps.signIn, notifier, logger, workspaceName: config.workspaceName, announceReconnected: (id) => health.announceReconnected(id), metrics: deps.metrics });
  const redirectUri = (kind: OAuthKind) => `${config.publicUrl}/oauth/${kind}/callback`;

  function oauth(kind: string): OAuthProvider | null {
    const provider = deps.providers[kind as ProviderKind];
    return isOAuthProvider(provider) ? provider : null;
  }

  function requireOAuth(kind: string): OAuthProvider {
    if (!OAUTH_KINDS.includes(kind as OAuthKind)) throw new DomainError('not_found', `no provider "${kind}": use google or microsoft`);
    const provider = oauth(kind);
    if (!provider) throw new DomainError('provider_not_configured', setupHint(kind as OAuthKind));
    return provider;
  }

  async function oauthAccount(actor: Actor, id: string): Promise<{ account: AccountRow; provider: OAuthProvider }> {
    const account = await accounts.row(actor, id);
    if (account.provider === 'custom') {
      throw new DomainError('wrong_provider', `${account.email} is a custom SMTP/IMAP mailbox: fix it by entering its new password and running Test Sending and Test Receiving`);
    }
    return { account, provider: requireOAuth(account.provider) };
  }

  const consentRedirect = (provider: OAuthProvider, begun: Begun): Redirect => ({
    redirect: provider.authorizationUrl({ state: begun.state, codeChallenge: begun.codeChallenge, redirectUri: redirectUri(provider.kind), loginHint: begun.attempt.login_hint }),
  });

  /** null when the grant opens the mailbox (or the provider's identity is proof enough). */
  async function refusedBy(attempt: Begun['attempt'], provider: OAuthProvider, grant: TokenGrant, email: string): Promise<Outcome | null> {
    if (!provider.confirmMailbox) return null;
    try {
      await provider.confirmMailbox(grant, email);
      return null;
    } catch (error) {
      // What the server said stays in the log; the page, which anyone with a share link can
      // reach, only says what it means.
      const judged = classify({ source: 'imap', error, oauth: true });
      logger.warn('reauth.mailbox_unconfirmed', { attempt: attempt.id, account: attempt.account_id, provider: provider.kind, verdict: judged.verdict, detail: judged.detail });
      const retryUrl = await attempts.retryOf(attempt);
      if (judged.verdict === 'needs_reauth') return { kind: 'mailbox_refused', email, provider: provider.label, message: judged.message, retryUrl };
      return { kind: 'provider_error', provider: provider.label, message: `Regrant could not open ${email} to confirm the new access: ${judged.message} ${judged.hint}`, retryUrl };
    }
  }

  /**
   * A grant Regrant will not keep should not linger in the person's account. Google revokes
   * the whole authorization of a mailbox, not one token, so only a mailbox Regrant does not
   * hold is revoked: never one connected here, whose working grant would die with it.
   */
  async function discardUnused(provider: OAuthProvider, grant: TokenGrant, attemptId: string): Promise<void> {
    const email = idTokenEmail(grant.idToken);
    if (!provider.discard || !email) return;
    try {
      if (await findAccountByEmail(db, email)) return;
      await provider.discard(grant);
    } catch (error) {
      logger.warn('reauth.discard_failed', { attempt: attemptId, error });
    }
  }

  async function finishGrant(attempt: Begun['attempt'], provider: OAuthProvider, grant: TokenGrant, email: string): Promise<Outcome> {
    const label = provider.label;
    const refreshToken = grant.refreshToken!;
    if (attempt.purpose === 'connect') {
      const refused = await refusedBy(attempt, provider, grant, email);
      if (refused) return refused;
      const user = attempt.user_id ? await findUser(db, attempt.user_id) : undefined;
      if (!user) return { kind: 'state_invalid', why: 'unknown' };
      let existing = await findAccountByEmail(db, email);
      if (!existing) {
        // A member connects their own address only: anything else waits for an admin, so a
        // connect link opened by someone else's mailbox never hands it to the member.
        if (user.role !== 'admin' && email !== user.email.toLowerCase()) {
          await pending.hold({ provider: provider.kind, email, requestedBy: user.id, refreshToken });
          return { kind: 'connect_held', email, provider: label, requester: user.email };
        }
        try {
          const id = await storeNewAccount(grantDeps, { ownerId: user.id, provider: provider.kind, email, refreshToken, providerLabel: label });
          logger.info('reauth.connected', { account: id, provider: provider.kind });
          void notifier.kick();
          return { kind: 'connected', email, provider: label };
        } catch (error) {
          if (error instanceof DomainError && error.code === 'mailbox_limit') return { kind: 'mailbox_limit', message: error.message };
          // Another sign-in added the same mailbox a moment ago: treat it as the existing one.
          if (!(error instanceof DomainError && error.code === 'account_exists')) throw error;
          existing = await findAccountByEmail(db, email);
          if (!existing) throw error;
        }
      }
      const mayRegrant = existing.provider === provider.kind && (user.role === 'admin' || user.id === existing.owner_id);
      if (mayRegrant) return regrantAccount({ ...attempt, account_id: existing.id }, provider, existing, refreshToken);
      // A password mailbox never blocks an admin's OAuth connect of its address: the admin is
      // told whose it is and may approve the replacement.
      if (user.role === 'admin' && existing.provider === 'custom') {
        await pending.hold({ provider: provider.kind, email, requestedBy: user.id, refreshToken });
        const owner = await findUser(db, existing.owner_id);
        return { kind: 'replace_held', email, provider: label, owner: owner?.email ?? 'a former user' };
      }
      return { kind: 'account_exists', email };
    }
    const account = attempt.account_id ? await findAccount(db, attempt.account_id) : undefined;
    if (!account) return { kind: 'state_invalid', why: 'unknown' };
    if (account.email.toLowerCase() !== email) {
      logger.warn('reauth.wrong_mailbox', { account: account.id, provider: provider.kind });
      return { kind: 'wrong_mailbox', expected: account.email, got: email, provider: label, retryUrl: await attempts.retryOf(attempt) };
    }
    const refused = await refusedBy(attempt, provider, grant, account.email);
    if (refused) return refused;
    return regrantAccount(attempt, provider, account, refreshToken);
  }

  async function regrantAccount(attempt: Begun['attempt'], provider: OAuthProvider, account: AccountRow, refreshToken: string): Promise<Outcome> {
    try {
      await storeRegrant(grantDeps, { attempt, account, refreshToken, providerLabel: provider.label });
    } catch (error) {
      if (!(error instanceof LinkGone)) throw error;
      const link = attempt.share_link_id ? await db.selectFrom('share_links').selectAll().where('id', '=', attempt.share_link_id).executeTakeFirst() : undefined;
      const why = link?.used_at ? 'used' : link?.revoked_at ? 'revoked' : link ? 'expired' : 'unknown';
      return { kind: 'link_invalid', why, creatorEmail: await links.creatorEmail(link?.created_by ?? null) };
    }
    logger.info('reauth.regranted', { account: account.id, provider: provider.kind, via: attempt.purpose });
    if (attempt.purpose === 'share') deps.metrics?.shareLinkUsed();
    void notifier.kick();
    health.announceReconnected(account.id);
    return { kind: 'reconnected', email: account.email, provider: provider.label };
  }

  return {
    links,
    /** Connections held for an admin's decision. */
    pending,

    /** Which sign-ins this server offers, and what to set for the ones it does not. */
    providers(): Record<OAuthKind, { configured: boolean; setup?: string }> {
      const entry = (kind: OAuthKind) => (oauth(kind) ? { configured: true } : { configured: false, setup: setupHint(kind) });
      return { google: entry('google'), microsoft: entry('microsoft') };
    },

    /** `POST /api/connect/:provider`: a one-time URL to add a new mailbox owned by the caller. */
    async connect(actor: Actor, kind: string): Promise<{ url: string; expiresAt: string }> {
      const provider = requireOAuth(kind);
      return attempts.createStart({ provider: provider.kind, purpose: 'connect', accountId: null, userId: actor.id, loginHint: null });
    },

    /** `POST /api/accounts/:id/regrant`: a one-time URL (15 minutes) to the consent screen. */
    async regrant(actor: Actor, id: string): Promise<{ url: string; expiresAt: string }> {
      const { account, provider } = await oauthAccount(actor, id);
      return attempts.createStart({ provider: provider.kind, purpose: 'regrant', accountId: account.id, userId: actor.id, loginHint: account.email });
    },

    /** A share link; a custom mailbox's is a repair link, whose page asks for the new password. */
    async createShareLink(actor: Actor, id: string): Promise<{ url: string; expiresAt: string }> {
      const account = await accounts.row(actor, id);
      if (account.provider !== 'custom') requireOAuth(account.provider);
      const link = await links.create(account, actor.id);
      logger.info('share_link.created', { account: account.id, by: actor.id });
      deps.metrics?.shareLinkCreated();
      return link;
    },

    async revokeShareLink(actor: Actor, id: string): Promise<void> {
      const account = await accounts.row(actor, id);
      await links.revoke(account.id);
    },

    /**
     * `GET /oauth/start/:token` of a connect: the page naming who will hold the mailbox, whose
     * button POSTs to go on. Reads only. null: not a connect URL, go on at once (a re-grant
     * can only give the mailbox back to its owner).
     */
    async connectConfirm(token: string): Promise<ConnectConfirmView | Outcome | null> {
      const row = await attempts.usableStart(token);
      if ('failure' in row) return { kind: 'start_invalid', why: row.failure };
      if (row.purpose !== 'connect') return null;
      if (!oauth(row.provider)) return { kind: 'not_configured', provider: SIGN_IN_LABEL[row.provider] };
      const requester = row.user_id ? await findUser(db, row.user_id) : undefined;
      if (!requester) return { kind: 'start_invalid', why: 'withdrawn' };
      return { requester: requester.email, provider: SIGN_IN_LABEL[row.provider], workspace: config.workspaceName };
    },

    /** `POST /oauth/start/:token` (and `GET` of a re-grant URL): uses up the one-time URL and sends the browser to the consent screen. */
    async start(token: string, browserId: string): Promise<Redirect | Outcome> {
      const row = await attempts.peekStart(token);
      const provider = row ? oauth(row.provider) : null;
      if (row && !provider) return { kind: 'not_configured', provider: SIGN_IN_LABEL[row.provider] };
      const begun = await attempts.startByToken(token, browserId);
      if ('failure' in begun) return { kind: 'start_invalid', why: begun.failure };
      return consentRedirect(provider!, begun);
    },

    /** `GET /r/:token`: what the page shows. Reads only. */
    async sharePage(token: string): Promise<SharePageView | RepairPageView | Outcome> {
      const found = await links.lookup(token);
      if ('failure' in found) return { kind: 'link_invalid', why: found.failure, creatorEmail: found.creatorEmail, connectedEmail: found.connectedEmail };
      if (found.account.provider === 'custom') return repair.view(found);
      const kind = found.account.provider as OAuthKind;
      if (!oauth(kind)) return { kind: 'not_configured', provider: SIGN_IN_LABEL[kind] };
      return { email: found.account.email, provider: SIGN_IN_LABEL[kind], workspace: config.workspaceName };
    },

    /**
     * `POST /r/:token` of a custom mailbox's repair link: tries the password `form()` reads and
     * saves it only when both sign-ins pass. null: not a live repair link (`shareStart` answers).
     */
    async repair(token: string, form: () => Promise<RepairForm>): Promise<RepairAnswer | null> {
      const found = await links.lookup(token);
      if ('failure' in found || found.account.provider !== 'custom') return null;
      return repair.submit(found, await form());
    },

    /** `POST /r/:token`: begins the re-grant of the link's one mailbox. */
    async shareStart(token: string, browserId: string): Promise<Redirect | Outcome> {
      const found = await links.lookup(token);
      if ('failure' in found) return { kind: 'link_invalid', why: found.failure, creatorEmail: found.creatorEmail, connectedEmail: found.connectedEmail };
      const provider = oauth(found.account.provider);
      if (!provider) return { kind: 'not_configured', provider: SIGN_IN_LABEL[found.account.provider as OAuthKind] };
      const draft: AttemptDraft = { provider: provider.kind, purpose: 'share', accountId: found.account.id, userId: found.link.created_by, shareLinkId: found.link.id, loginHint: found.account.email };
      return consentRedirect(provider, await attempts.beginNow(draft, browserId));
    },

    /** `GET /oauth/:provider/callback`: ends a sign-in; never changes anything unless it fully succeeds. */
    async callback(kind: string, q: Record<string, string | undefined>, browserId: string | undefined): Promise<Outcome> {
      const provider = oauth(kind);
      if (!provider) return OAUTH_KINDS.includes(kind as OAuthKind) ? { kind: 'not_configured', provider: SIGN_IN_LABEL[kind as OAuthKind] } : { kind: 'state_invalid', why: 'unknown' };
      if (!q.state) return { kind: 'state_invalid', why: 'unknown' };
      const taken = await attempts.take(provider.kind, q.state, browserId);
      if ('failure' in taken) return { kind: 'state_invalid', why: taken.failure };
      const { attempt, codeVerifier } = taken;
      let grant: TokenGrant | undefined;

      const outcome = await (async (): Promise<Outcome> => {
        if (q.error) {
          if (DECLINED.has(q.error)) return { kind: 'denied', provider: provider.label, retryUrl: await attempts.retryOf(attempt) };
          return { kind: 'provider_error', provider: provider.label, message: errorText(q.error, q.error_description), retryUrl: await attempts.retryOf(attempt) };
        }
        if (!q.code) return { kind: 'provider_error', provider: provider.label, message: 'the answer carried no authorization code', retryUrl: await attempts.retryOf(attempt) };
        let email: string;
        try {
          grant = await provider.exchange(q.code, codeVerifier, redirectUri(provider.kind));
          const missing = missingScopes(provider.requiredScopes, grant.grantedScopes);
          if (missing.length) return { kind: 'scopes_missing', provider: provider.label, missing, retryUrl: await attempts.retryOf(attempt) };
          if (!grant.refreshToken) return { kind: 'provider_error', provider: provider.label, message: 'no refresh token was issued, so Regrant could not keep access', retryUrl: await attempts.retryOf(attempt) };
          email = await provider.identity(grant);
        } catch (error) {
          return { kind: 'provider_error', provider: provider.label, message: providerMessage(error), retryUrl: await attempts.retryOf(attempt) };
        }
        return finishGrant(attempt, provider, grant!, email);
      })();
      await attempts.recordOutcome(attempt.id, outcome.kind);
      if (!KEPT.has(outcome.kind)) {
        logger.info('reauth.outcome', { attempt: attempt.id, account: attempt.account_id, outcome: outcome.kind });
        if (grant) void discardUnused(provider, grant, attempt.id);
      }
      return outcome;
    },
  };
}

export type Reauth = ReturnType<typeof createReauth>;
