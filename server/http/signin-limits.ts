/**
 * The rate limits of the sign-in window: its pages per client address, and emailed codes per
 * address and per client address (a stranger must not make Regrant mail someone a flood of
 * codes, nor guess codes from many windows). Past a limit: 429 with Retry-After.
 *
 * @example const limits = signinLimits(db, (c) => c.html(page, 429));
 */
import type { Context, MiddlewareHandler } from 'hono';
import { hashToken } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { limitRate } from './rate-limit.ts';

const MINUTE = 60_000;

export const SIGNIN_LIMITS = {
  /** `/login/*` from one address: a sign-in is a handful of requests; behind a proxy a whole office shares one address. */
  address: { limit: 300, windowMs: MINUTE },
  /** Sign-in codes mailed to one address. */
  codesPerEmail: { limit: 5, windowMs: 60 * MINUTE },
  /** Sign-in codes asked for from one client address. */
  codesPerClient: { limit: 60, windowMs: 60 * MINUTE },
} as const;

/** The address typed into the form, hashed (the form body is parsed once and kept by Hono). */
async function typedEmail(c: Context): Promise<string> {
  const form = await c.req.parseBody();
  return hashToken(String(form.email ?? '').trim().toLowerCase());
}

export function signinLimits(db: Db, onLimited: (c: Context) => Response | Promise<Response>, now?: () => number): Record<'address' | 'codesPerEmail' | 'codesPerClient', MiddlewareHandler> {
  return {
    address: limitRate({ db, now, name: 'signin-address', ...SIGNIN_LIMITS.address, onLimited }),
    codesPerEmail: limitRate({ db, now, name: 'signin-code-email', ...SIGNIN_LIMITS.codesPerEmail, key: typedEmail, onLimited }),
    codesPerClient: limitRate({ db, now, name: 'signin-code-client', ...SIGNIN_LIMITS.codesPerClient, onLimited }),
  };
}
