/**
 * A fixed-window rate limit (hono-rate-limiter) counted in the database, so it holds across
 * server processes. Past `limit` requests in `windowMs` from one client, the request is
 * answered by `onLimited` with `Retry-After` set; other clients are not touched.
 *
 * @example
 *   app.use('/r/*', limitRate({ db, name: 'share-address', limit: 30, windowMs: 60_000, onLimited: (c) => c.text('slow down', 429) }));
 */
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type RateLimitInfo } from 'hono-rate-limiter';
import type { Db } from '../db/index.ts';
import { clientAddress } from './client-address.ts';
import { DbRateLimitStore } from './rate-limit-store.ts';

export interface RateLimitOptions {
  db: Db;
  /** Names the limit in the database; two limits never share a count. */
  name: string;
  limit: number;
  windowMs: number;
  onLimited: (c: Context) => Response | Promise<Response>;
  /** Whose requests share a window: the client address by default, or e.g. the signed-in user. */
  key?: (c: Context) => string | Promise<string>;
  now?: () => number;
}

export function limitRate(options: RateLimitOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return rateLimiter({
    windowMs: options.windowMs,
    limit: options.limit,
    keyGenerator: options.key ?? clientAddress,
    store: new DbRateLimitStore(options.db, options.name, now),
    // Retry-After is set here, from the store's clock; no RateLimit-* headers on every answer.
    standardHeaders: false,
    handler: (c) => {
      const info = c.get('rateLimit') as RateLimitInfo;
      const seconds = info.resetTime ? Math.ceil((info.resetTime.getTime() - now()) / 1000) : options.windowMs / 1000;
      c.header('Retry-After', String(Math.max(1, seconds)));
      return options.onLimited(c);
    },
  });
}
