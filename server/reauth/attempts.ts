/**
 * OAuth sign-in attempts, from the one-time start URL to the callback. The start token, the
 * `state` and the browser cookie are stored as hashes only; the PKCE verifier is sealed.
 * A state is bound to the browser that began the sign-in and can be taken once.
 *
 * @example
 *   const { url } = await attempts.createStart({ provider: 'google', purpose: 'regrant', accountId, userId, loginHint });
 *   const begun = await attempts.startByToken(token, browserId); // → the consent URL
 *   const taken = await attempts.take('google', state, browserId); // → the attempt, once
 */
import { hashToken, randomToken, type Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { OAuthAttemptRow, OAuthPurpose } from '../db/schema.ts';
import { newPkce } from './pkce.ts';

/** The one-time re-grant URL is good for this long. */
export const START_TTL_MS = 15 * 60_000;
/** From the redirect to the consent screen until the callback (sign-in, MFA, consent). */
export const STATE_TTL_MS = 30 * 60_000;

export interface AttemptDraft {
  provider: 'google' | 'microsoft';
  purpose: OAuthPurpose;
  accountId: string | null;
  userId: string | null;
  shareLinkId?: string | null;
  loginHint: string | null;
}

export type StartFailure = 'unknown' | 'used' | 'expired' | 'withdrawn';
export type TakeFailure = 'unknown' | 'used' | 'expired' | 'other_browser';

export interface Begun {
  attempt: OAuthAttemptRow;
  state: string;
  codeChallenge: string;
}

export function createAttempts({ db, sealer, publicUrl }: { db: Db; sealer: Sealer; publicUrl: string }) {
  const verifierContext = (id: string) => `${id}:code_verifier`;

  /** Gives an attempt its state and PKCE pair and binds it to the browser. */
  async function begin(id: string, browserId: string, now: Date): Promise<Begun> {
    const state = randomToken('st');
    const { verifier, challenge } = newPkce();
    await db
      .updateTable('oauth_attempts')
      .set({
        started_at: now.toISOString(),
        state_hash: hashToken(state),
        browser_hash: hashToken(browserId),
        code_verifier: sealer.seal(verifier, verifierContext(id)),
        state_expires_at: new Date(now.getTime() + STATE_TTL_MS).toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const attempt = await db.selectFrom('oauth_attempts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { attempt, state, codeChallenge: challenge };
  }

  function insert(draft: AttemptDraft, extra: { start_token_hash?: string; start_expires_at?: string }, now: Date) {
    const id = newId('oat');
    return db
      .insertInto('oauth_attempts')
      .values({
        id,
        provider: draft.provider,
        purpose: draft.purpose,
        account_id: draft.accountId,
        user_id: draft.userId,
        share_link_id: draft.shareLinkId ?? null,
        login_hint: draft.loginHint,
        start_token_hash: extra.start_token_hash ?? null,
        start_expires_at: extra.start_expires_at ?? null,
        state_hash: null,
        browser_hash: null,
        code_verifier: null,
        state_expires_at: null,
        created_at: now.toISOString(),
        started_at: null,
        finished_at: null,
        outcome: null,
      })
      .execute()
      .then(() => id);
  }

  return {
    /** A one-time URL (valid 15 minutes) that, opened in a browser, leads to the consent screen. */
    async createStart(draft: AttemptDraft): Promise<{ url: string; expiresAt: string }> {
      const now = new Date();
      const token = randomToken('rg');
      const expiresAt = new Date(now.getTime() + START_TTL_MS).toISOString();
      await insert(draft, { start_token_hash: hashToken(token), start_expires_at: expiresAt }, now);
      return { url: `${publicUrl}/oauth/start/${token}`, expiresAt };
    },

    /** Begins an attempt at once (the share-link button): there is no start URL to open. */
    async beginNow(draft: AttemptDraft, browserId: string): Promise<Begun> {
      const now = new Date();
      return begin(await insert(draft, {}, now), browserId, now);
    },

    /** The attempt a start token names, without using it up. */
    async peekStart(token: string): Promise<OAuthAttemptRow | null> {
      return (await db.selectFrom('oauth_attempts').selectAll().where('start_token_hash', '=', hashToken(token)).executeTakeFirst()) ?? null;
    },

    /** The attempt a start token names if it can still be started, without using it up. */
    async usableStart(token: string, now = new Date()): Promise<OAuthAttemptRow | { failure: StartFailure }> {
      const row = await db.selectFrom('oauth_attempts').selectAll().where('start_token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!row) return { failure: 'unknown' };
      if (row.started_at) return { failure: 'used' };
      if (row.finished_at) return { failure: 'withdrawn' };
      if (!row.start_expires_at || row.start_expires_at < now.toISOString()) return { failure: 'expired' };
      return row;
    },

    /** Uses up a start token and begins its attempt in this browser. */
    async startByToken(token: string, browserId: string): Promise<Begun | { failure: StartFailure }> {
      const now = new Date();
      const row = await this.usableStart(token, now);
      if ('failure' in row) return row;
      const claimed = await db.updateTable('oauth_attempts').set({ started_at: now.toISOString() }).where('id', '=', row.id).where('started_at', 'is', null).executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return { failure: 'used' };
      return begin(row.id, browserId, now);
    },

    /**
     * Takes the attempt a callback's `state` names, once, in the browser that began it.
     * Answers the attempt with its PKCE verifier opened.
     */
    async take(provider: string, state: string, browserId: string | undefined): Promise<{ attempt: OAuthAttemptRow; codeVerifier: string } | { failure: TakeFailure }> {
      const now = new Date().toISOString();
      const row = await db.selectFrom('oauth_attempts').selectAll().where('state_hash', '=', hashToken(state)).executeTakeFirst();
      // A state that came back on another provider's callback is not used up by it.
      if (!row || !row.code_verifier || row.provider !== provider) return { failure: 'unknown' };
      if (row.finished_at) return { failure: 'used' };
      if (!row.state_expires_at || row.state_expires_at < now) return { failure: 'expired' };
      if (!browserId || hashToken(browserId) !== row.browser_hash) return { failure: 'other_browser' };
      const claimed = await db.updateTable('oauth_attempts').set({ finished_at: now }).where('id', '=', row.id).where('finished_at', 'is', null).executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return { failure: 'used' };
      return { attempt: row, codeVerifier: sealer.open(row.code_verifier, verifierContext(row.id)) };
    },

    async recordOutcome(id: string, outcome: string): Promise<void> {
      await db.updateTable('oauth_attempts').set({ outcome }).where('id', '=', id).execute();
    },

    /** A fresh one-time start URL for the same sign-in, offered on "try again" pages. */
    async retryOf(attempt: OAuthAttemptRow): Promise<string> {
      const { url } = await this.createStart({
        provider: attempt.provider,
        purpose: attempt.purpose,
        accountId: attempt.account_id,
        userId: attempt.user_id,
        shareLinkId: attempt.share_link_id,
        loginHint: attempt.login_hint,
      });
      return url;
    },
  };
}

export type Attempts = ReturnType<typeof createAttempts>;
