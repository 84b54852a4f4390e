/**
 * Sign-in from the extension, from `GET /login` to `POST /login/token`. One row of
 * `signin_attempts` carries it: the extension's exact redirect URL (one of EXTENSION_IDS),
 * its `state` and S256 challenge; a cookie binds the sign-in window to it. The person proves
 * who they are with Google or Microsoft (oidc.ts) or a code emailed to them; who-may.ts says
 * whether they may come in. Then the window goes back to the extension with a code that is
 * single use, valid 60 s and bound to the challenge, which `POST /login/token` trades for an
 * API token.
 *
 * @example
 *   const signin = createSignin({ db, config, sealer, users, logger });
 *   const { attemptId, browser } = await signin.begin(query);
 *   const location = await signin.verifyEmailCode(attemptId, browser, '482913');
 *   const { token } = await signin.trade(code, verifier);
 */
import { createHash, randomInt } from 'node:crypto';
import type { Users } from '../auth/index.ts';
import { openInvite, wasRemoved } from '../auth/members.ts';
import type { Config } from '../config/index.ts';
import { hashToken, randomToken, type Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { Updateable } from 'kysely';
import type { SigninAttemptsTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/index.ts';
import { newPkce } from '../reauth/pkce.ts';
import { createCodeMailer, type CodeMailer } from './code-mail.ts';
import { SigninRefused } from './errors.ts';
import { extensionRedirects } from './extension-redirects.ts';
import { oidcProviders, type SigninProvider } from './oidc.ts';
import { whoMaySignIn } from './who-may.ts';

/** From `GET /login` to the extension's code. */
export const ATTEMPT_TTL_MS = 15 * 60_000;
export const EMAIL_CODE_TTL_MS = 10 * 60_000;
export const EMAIL_CODE_TRIES = 5;
/** The extension's one-time code. */
export const RESULT_CODE_TTL_MS = 60_000;

export interface LoginRequest {
  redirect_uri?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

export interface SigninDeps {
  db: Db;
  config: Pick<Config, 'signin' | 'google' | 'microsoft' | 'publicUrl' | 'notifySmtpUrl' | 'notifyFrom' | 'workspaceName'>;
  sealer: Sealer;
  users: Users;
  logger: Logger;
  /** Sends the emailed codes; by default through NOTIFY_SMTP_URL (none: no emailed codes). */
  mailer?: CodeMailer | null;
}

const S256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const codeHash = (attemptId: string, code: string) => hashToken(`${attemptId}:${code}`);
const LABEL: Record<SigninProvider | 'email', string> = { google: 'signed in with Google', microsoft: 'signed in with Microsoft', email: 'signed in with an emailed code' };

export function createSignin({ db, config, sealer, users, logger, mailer }: SigninDeps) {
  const redirects = extensionRedirects(config.signin.extensionIds);
  const providers = oidcProviders(config as Config);
  const codes = mailer !== undefined ? mailer : config.notifySmtpUrl ? createCodeMailer({ smtpUrl: config.notifySmtpUrl, from: config.notifyFrom, workspaceName: config.workspaceName, logger }) : null;
  const callbackUrl = (p: SigninProvider) => `${config.publicUrl}/login/${p}/callback`;

  /** The attempt of this window, still open; else a refusal. */
  async function open(attemptId: string, browser: string | undefined) {
    const row = await db.selectFrom('signin_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
    if (!row || row.result_code_hash || row.expires_at <= new Date().toISOString()) {
      throw new SigninRefused('attempt_invalid', 'This sign-in has expired or was finished. Close this window and press Sign in again.');
    }
    if (!browser || hashToken(browser) !== row.browser_hash) throw new SigninRefused('other_browser', 'This sign-in was started in another window. Close this one and press Sign in again.');
    return row;
  }

  async function update(id: string, set: Updateable<SigninAttemptsTable>) {
    await db.updateTable('signin_attempts').set(set).where('id', '=', id).execute();
  }

  /** Ends a sign-in as `userId`: the extension's redirect URL with a one-time code and its own state. */
  async function finish(attemptId: string, row: { redirect_uri: string; client_state: string }, userId: string): Promise<string> {
    const code = randomToken('rgc');
    await update(attemptId, { user_id: userId, result_code_hash: hashToken(code), result_code_expires_at: new Date(Date.now() + RESULT_CODE_TTL_MS).toISOString() });
    const back = new URL(row.redirect_uri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', row.client_state);
    return back.toString();
  }

  /** Whether an emailed code would let `email` in: a user, an open invitation, or a SIGNIN_DOMAINS address not removed. */
  async function mayUseEmail(email: string): Promise<boolean> {
    if (await users.byEmail(email)) return true;
    if (await openInvite(db, email)) return true;
    return config.signin.domains.includes(email.split('@')[1] ?? '') && !(await wasRemoved(db, email));
  }

  return {
    /** Which ways in the sign-in page offers. */
    ways: () => ({ google: providers.google.configured, microsoft: providers.microsoft.configured, email: codes !== null }),
    /** Provider origins the page's forms lead to (its Content-Security-Policy). */
    origins: () => Object.values(providers).map((p) => p.origin),

    /** `GET /login` from the extension: checks where the answer may go, opens the attempt. */
    async begin(q: LoginRequest): Promise<{ attemptId: string; browser: string }> {
      if (!q.redirect_uri || !redirects.has(q.redirect_uri)) {
        throw new SigninRefused('unknown_extension', 'This sign-in was not started by a Regrant extension this server knows, so it will not send a sign-in anywhere. Start it from the Regrant extension’s options (an admin can add an extension id to EXTENSION_IDS).');
      }
      if (!q.state || q.state.length > 200) throw new SigninRefused('bad_request', 'The sign-in request has no state. Start it again from the Regrant extension.');
      if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge ?? '')) {
        throw new SigninRefused('bad_request', 'The sign-in request has no S256 code challenge. Start it again from the Regrant extension.');
      }
      const attemptId = newId('sia');
      const browser = randomToken('b');
      const now = new Date();
      await db
        .insertInto('signin_attempts')
        .values({ id: attemptId, redirect_uri: q.redirect_uri, client_state: q.state, code_challenge: q.code_challenge!, browser_hash: hashToken(browser), provider: null, provider_state_hash: null, nonce: null, provider_verifier: null, email: null, email_code_hash: null, email_code_expires_at: null, user_id: null, result_code_hash: null, result_code_expires_at: null, result_code_used_at: null, created_at: now.toISOString(), expires_at: new Date(now.getTime() + ATTEMPT_TTL_MS).toISOString() })
        .execute();
      return { attemptId, browser };
    },

    /** "Continue with Google/Microsoft": the provider's authorization URL for this attempt. */
    async startProvider(attemptId: string, browser: string | undefined, kind: SigninProvider): Promise<string> {
      await open(attemptId, browser);
      const provider = providers[kind];
      if (!provider.configured) throw new SigninRefused('not_configured', `Sign-in with ${provider.label} is not set up on this server.`);
      const state = randomToken('st');
      const nonce = randomToken('n', 128);
      const pkce = newPkce();
      await update(attemptId, { provider: kind, provider_state_hash: hashToken(state), nonce, provider_verifier: sealer.seal(pkce.verifier, `signin:${attemptId}`) });
      return provider.authorizeUrl({ state, nonce, codeChallenge: pkce.challenge, redirectUri: callbackUrl(kind) });
    },

    /** The provider's answer: the extension's redirect URL with its code, or a refusal. */
    async providerCallback(kind: SigninProvider, q: Record<string, string | undefined>, browser: string | undefined): Promise<string> {
      const row = q.state ? await db.selectFrom('signin_attempts').select(['id']).where('provider_state_hash', '=', hashToken(q.state)).where('provider', '=', kind).executeTakeFirst() : undefined;
      if (!row) throw new SigninRefused('attempt_invalid', 'This sign-in is not known to this server, or was finished already. Close this window and press Sign in again.');
      const attempt = await open(row.id, browser);
      // The state is used once, whatever follows.
      await update(attempt.id, { provider_state_hash: null });
      if (q.error) throw new SigninRefused('denied', `${providers[kind].label} did not sign you in (${q.error}). Nothing happened; you can close this window.`);
      if (!q.code || !attempt.nonce || !attempt.provider_verifier) throw new SigninRefused('bad_request', 'The answer of the sign-in carried no code.');
      const person = await providers[kind].signIn(q.code, sealer.open(attempt.provider_verifier, `signin:${attempt.id}`), callbackUrl(kind), attempt.nonce);
      const user = await whoMaySignIn(db, config.signin, person);
      logger.info('signin.ok', { provider: kind, user: user.id });
      return finish(attempt.id, attempt, user.id);
    },

    /**
     * "Email me a sign-in code". The answer never says whether the address may sign in: a code
     * goes out only when it may, and the page says the same either way.
     */
    async sendEmailCode(attemptId: string, browser: string | undefined, email: string): Promise<void> {
      await open(attemptId, browser);
      if (!codes) throw new SigninRefused('not_configured', 'Emailed sign-in codes are not set up on this server (NOTIFY_SMTP_URL).');
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await update(attemptId, { provider: 'email', email, email_code_hash: codeHash(attemptId, code), email_code_expires_at: new Date(Date.now() + EMAIL_CODE_TTL_MS).toISOString(), email_code_tries: 0 });
      if (await mayUseEmail(email)) codes.send(email, code);
      else logger.info('signin_code.not_sent', { why: 'address may not sign in' });
    },

    /** The typed code: right → the extension's redirect URL; wrong → a refusal (the sixth try is refused whatever it is). */
    async verifyEmailCode(attemptId: string, browser: string | undefined, typed: string): Promise<string> {
      const attempt = await open(attemptId, browser);
      if (attempt.provider !== 'email' || !attempt.email || !attempt.email_code_hash) throw new SigninRefused('attempt_invalid', 'Ask for a sign-in code first.');
      const counted = await db
        .updateTable('signin_attempts')
        .set((eb) => ({ email_code_tries: eb('email_code_tries', '+', 1) }))
        .where('id', '=', attemptId)
        .where('email_code_tries', '<', EMAIL_CODE_TRIES)
        .returning('email_code_tries')
        .executeTakeFirst();
      if (!counted) {
        await update(attemptId, { email_code_hash: null });
        throw new SigninRefused('too_many_tries', `That was one try too many: after ${EMAIL_CODE_TRIES} wrong codes this one no longer works. Ask for a new code.`);
      }
      if ((attempt.email_code_expires_at ?? '') <= new Date().toISOString()) throw new SigninRefused('code_expired', 'This code has expired (codes last 10 minutes). Ask for a new one.');
      if (codeHash(attemptId, typed.replace(/\s+/g, '')) !== attempt.email_code_hash) {
        const left = EMAIL_CODE_TRIES - counted.email_code_tries;
        throw new SigninRefused('code_wrong', left > 0 ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That code is not right, and that was the last try. Ask for a new code.');
      }
      const user = await whoMaySignIn(db, config.signin, { provider: 'email', email: attempt.email });
      logger.info('signin.ok', { provider: 'email', user: user.id });
      return finish(attemptId, attempt, user.id);
    },

    /** The address an attempt's code went to (for the code form shown again). */
    async emailOf(attemptId: string): Promise<string> {
      const row = await db.selectFrom('signin_attempts').select('email').where('id', '=', attemptId).executeTakeFirst();
      return row?.email ?? '';
    },

    /** `POST /login/token`: the one-time code and the verifier of its challenge → an API token. */
    async trade(code: string, codeVerifier: string): Promise<{ token: string }> {
      const now = new Date().toISOString();
      // Used once, whatever follows: a wrong verifier burns the code too.
      const taken = await db
        .updateTable('signin_attempts')
        .set({ result_code_used_at: now })
        .where('result_code_hash', '=', hashToken(code))
        .where('result_code_used_at', 'is', null)
        .returning(['id', 'user_id', 'code_challenge', 'result_code_expires_at', 'provider'])
        .executeTakeFirst();
      if (!taken || !taken.user_id) throw new DomainError('invalid_grant', 'this sign-in code is unknown or was used already: sign in again');
      if ((taken.result_code_expires_at ?? '') <= now) throw new DomainError('invalid_grant', 'this sign-in code has expired (they last 60 seconds): sign in again');
      if (S256(codeVerifier) !== taken.code_challenge) throw new DomainError('invalid_grant', 'the code verifier does not match the challenge this sign-in began with: sign in again');
      const user = await users.byId(taken.user_id);
      if (!user) throw new DomainError('invalid_grant', 'this person was removed while signing in');
      const { token } = await users.createToken(user.email, LABEL[taken.provider ?? 'email']);
      return { token };
    },

    close: () => codes?.close(),
  };
}

export type Signin = ReturnType<typeof createSignin>;
export { SigninRefused } from './errors.ts';
