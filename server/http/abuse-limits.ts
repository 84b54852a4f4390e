/**
 * The rate limits on everything a stranger can reach, in one place: share-link pages and the
 * OAuth pages per client address (and share links per link too), API calls with an unknown
 * token per client address, uploads and queued emails per person. Each past its limit answers 429 with
 * Retry-After, and counts one client only: nobody else is slowed down.
 *
 * @example
 *   const limits = apiLimits(db);
 *   app.use('/api/*', requireUser(users, limits.unknownToken));
 */
import type { Context, MiddlewareHandler } from 'hono';
import { hashToken } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import type { AuthEnv } from './auth.ts';
import { errorBody } from './errors.ts';
import { limitRate } from './rate-limit.ts';

const MINUTE = 60_000;

export const LIMITS = {
  /** `/r/*` from one address: a person opens a link a few times, a guesser thousands. */
  shareAddress: { limit: 30, windowMs: MINUTE },
  /** One share link from every address together: chat apps fetch it for previews, people open it. */
  shareLink: { limit: 60, windowMs: MINUTE },
  /** `/oauth/*` (starts and callbacks) from one address: two requests per mailbox re-granted. */
  oauthAddress: { limit: 60, windowMs: MINUTE },
  /** API calls with a token that is unknown or revoked, from one address. */
  unknownToken: { limit: 30, windowMs: 10 * MINUTE },
  /** CSV uploads by one person: each is read whole and kept sealed for a day. */
  uploads: { limit: 30, windowMs: 10 * MINUTE },
  /** Emails queued by one person (POST /api/messages): each is stored until sent. */
  messages: { limit: 300, windowMs: MINUTE },
} as const;

const tooMany = (message: string) => (c: Context) => c.json(errorBody('rate_limited', message), 429);

/** The limits of the API routes, answered in the API's JSON error shape. */
export function apiLimits(db: Db, now?: () => number) {
  return {
    unknownToken: limitRate({
      db,
      now,
      name: 'unknown-token',
      ...LIMITS.unknownToken,
      onLimited: tooMany('Too many requests with an unknown or revoked API token from your address. Wait a few minutes, and check the token in the extension’s options.'),
    }),
    uploads: limitRate({
      db,
      now,
      name: 'upload',
      ...LIMITS.uploads,
      key: (c) => (c as Context<AuthEnv>).var.user.id,
      onLimited: tooMany(`Too many uploads: at most ${LIMITS.uploads.limit} files in 10 minutes. Wait a few minutes, then upload again.`),
    }),
    messages: limitRate({
      db,
      now,
      name: 'messages',
      ...LIMITS.messages,
      key: (c) => (c as Context<AuthEnv>).var.user.id,
      onLimited: tooMany(`Too many emails queued: at most ${LIMITS.messages.limit} a minute per person. Wait for the time Retry-After gives, then queue the rest.`),
    }),
  };
}

/** The limits of the pages outside the API, each answered with `onLimited` (a page). */
export function pageLimits(db: Db, onLimited: (c: Context) => Response | Promise<Response>, now?: () => number): Record<'shareAddress' | 'shareLink' | 'oauthAddress', MiddlewareHandler> {
  return {
    shareAddress: limitRate({ db, now, name: 'share-address', ...LIMITS.shareAddress, onLimited }),
    // The token is a secret: the database keeps its hash, as it does for the link itself.
    shareLink: limitRate({ db, now, name: 'share-link', ...LIMITS.shareLink, key: (c) => hashToken(c.req.param('token') ?? ''), onLimited }),
    oauthAddress: limitRate({ db, now, name: 'oauth-address', ...LIMITS.oauthAddress, onLimited }),
  };
}
