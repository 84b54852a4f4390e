/**
 * The control surface both provider fakes share: known mailboxes, queued consent answers,
 * injected failures per mailbox, and the log of every request seen.
 *
 * @example
 *   const state = createFakeState<'revoked' | 'slow'>(now);
 *   app.use(state.record);
 *   const consent = state.decideConsent(url.searchParams.get('login_hint'));
 */
import type { MiddlewareHandler } from 'hono';
import { pause } from './oauth-common.ts';

/** How the simulated person answers the consent screen. */
export interface ConsentChoice {
  /** Sign in as this mailbox instead of the login_hint. */
  as?: string;
  /** Press "Cancel" / "No". */
  deny?: boolean;
  /** Untick scopes: only these (and the sign-in scopes) are granted. */
  grantScopes?: string[];
}

export interface SeenRequest {
  at: number;
  method: string;
  path: string;
  grantType?: string;
  email?: string;
  status: number;
}

export interface FailOptions {
  /** For 'slow': how long to hold the answer (default 10 s). */
  slowMs?: number;
  /** For 'server_error' (and 'temporarily_unavailable'): the HTTP status to answer. */
  status?: number;
  /** The failure ends when the mailbox next consents: the person signed in (MFA done, say). */
  untilConsent?: boolean;
}

export interface FakeBase<Mode extends string> {
  /** http://127.0.0.1:PORT */
  url: string;
  /**
   * The next authorization request(s) are answered this way (a queue; each entry used once).
   * With the queue empty: approve as the request's login_hint (or the first known mailbox
   * when there is no hint) with every requested scope.
   */
  nextConsent(choice: ConsentChoice): void;
  /** A known account; consent as an unknown address answers a 400 page. */
  addMailbox(email: string): void;
  /** Revokes every refresh and access token of the mailbox (app removed, password changed). */
  revoke(email: string): void;
  /** Injects a failure for the mailbox until cleared with null. */
  fail(email: string, mode: Mode | null, options?: FailOptions): void;
  /** Every request seen, in order: lets tests count retries. */
  requests: SeenRequest[];
  /** The refresh tokens that work right now for the mailbox. */
  validRefreshTokens(email: string): string[];
  close(): Promise<void>;
}

/** Hono variables a handler sets so the request log can say what the request was about. */
export interface FakeEnv {
  Variables: { grantType?: string; email?: string };
}

export interface Failure<Mode extends string> {
  mode: Mode;
  slowMs: number;
  status?: number;
  untilConsent?: boolean;
}

export type ConsentDecision =
  | { kind: 'deny' }
  | { kind: 'unknown'; email: string | null }
  | { kind: 'approve'; email: string; grantScopes?: string[] };

/**
 * Mailboxes are matched case-insensitively, as the providers (and Dovecot's %Lu) do.
 *
 * @example normalizeEmail(' Mia@Contoso.test ') // 'mia@contoso.test'
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** @example const state = createFakeState<GoogleFailMode>(Date.now); */
export function createFakeState<Mode extends string>(now: () => number) {
  const mailboxes = new Set<string>();
  const consents: ConsentChoice[] = [];
  const failures = new Map<string, Failure<Mode>>();
  const requests: SeenRequest[] = [];
  const closing = new AbortController();

  const record: MiddlewareHandler<FakeEnv> = async (c, next) => {
    const at = now();
    await next();
    const entry: SeenRequest = { at, method: c.req.method, path: c.req.path, status: c.res.status };
    const grantType = c.get('grantType');
    const email = c.get('email');
    if (grantType) entry.grantType = grantType;
    if (email) entry.email = email;
    requests.push(entry);
  };

  return {
    mailboxes,
    requests,
    closing,
    record,
    addMailbox: (email: string) => void mailboxes.add(normalizeEmail(email)),
    nextConsent: (choice: ConsentChoice) => void consents.push(choice),
    fail(email: string, mode: Mode | null, options: FailOptions = {}) {
      if (mode === null) failures.delete(normalizeEmail(email));
      else failures.set(normalizeEmail(email), { mode, slowMs: options.slowMs ?? 10_000, status: options.status, untilConsent: options.untilConsent });
    },
    failureOf: (email: string | undefined): Failure<Mode> | undefined => (email ? failures.get(email) : undefined),
    /** Holds the answer when the mailbox is set to 'slow'; the fake's close() cuts it short. */
    async delayIfSlow(email: string | undefined): Promise<void> {
      const failure = email ? failures.get(email) : undefined;
      if (failure?.mode === 'slow') await pause(failure.slowMs, closing.signal);
    },
    decideConsent(loginHint: string | null): ConsentDecision {
      const choice = consents.shift() ?? {};
      if (choice.deny) return { kind: 'deny' };
      const wanted = choice.as ?? loginHint ?? [...mailboxes][0] ?? null;
      if (!wanted || !mailboxes.has(normalizeEmail(wanted))) return { kind: 'unknown', email: wanted };
      if (failures.get(normalizeEmail(wanted))?.untilConsent) failures.delete(normalizeEmail(wanted));
      return { kind: 'approve', email: normalizeEmail(wanted), grantScopes: choice.grantScopes };
    },
  };
}

export type FakeState<Mode extends string> = ReturnType<typeof createFakeState<Mode>>;
