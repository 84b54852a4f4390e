import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AuthUser, Users } from '../auth/index.ts';
import { DomainError } from '../errors.ts';

/** `token`: the bearer token itself, for `POST /api/logout` to revoke. */
export type AuthEnv = { Variables: { user: AuthUser; token: string } };

/** The token of an `Authorization: Bearer <token>` header, or null for any other header. */
export function bearerToken(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Requires `Authorization: Bearer <token>` of a user whose token is not revoked. An unknown
 * token is counted by `unknownTokens` (a rate limit per client address), which answers 429
 * instead of 401 past its limit. A known token is looked up first and never counted, so a
 * flood of bad tokens from one address slows no one with a good one (tokens have 256 bits:
 * the limit is against the flood, guessing is hopeless anyway).
 *
 * @example app.use('/api/*', requireUser(users, apiLimits(db).unknownToken));
 */
export const requireUser = (users: Users, unknownTokens: MiddlewareHandler) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) throw new DomainError('unauthorized', 'send your Regrant API token as "Authorization: Bearer <token>"');
    const user = await users.byToken(token);
    if (!user) {
      // Within the limit this "next" throws the 401; past it the limit answers 429 itself.
      return unknownTokens(c, async () => {
        throw new DomainError('unauthorized', 'this API token is unknown or has been revoked');
      });
    }
    c.set('user', user);
    c.set('token', token);
    await next();
  });
