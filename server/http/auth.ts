import { createMiddleware } from 'hono/factory';
import type { AuthUser, Users } from '../auth/index.ts';
import { DomainError } from '../errors.ts';

export type AuthEnv = { Variables: { user: AuthUser } };

/** Requires `Authorization: Bearer <token>` of a user whose token is not revoked. */
export const requireUser = (users: Users) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('unauthorized', 'send your Regrant API token as "Authorization: Bearer <token>"');
    const user = await users.byToken(match[1]);
    if (!user) throw new DomainError('unauthorized', 'this API token is unknown or has been revoked');
    c.set('user', user);
    await next();
  });
