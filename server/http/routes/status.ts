import { Hono } from 'hono';
import type { Accounts } from '../../accounts/index.ts';
import { statusEtag } from '../../auth/status-version.ts';
import type { AuthEnv } from '../auth.ts';

/**
 * GET /api/status. The ETag comes from the user row the auth step already read, so a 304
 * costs one indexed lookup and reads no account; `serverDegraded` (read every few seconds at
 * most) is part of it, so a poll sees it turn on and off.
 */
export function statusRoutes(accounts: Accounts, serverDegraded: () => Promise<boolean> = async () => false) {
  return new Hono<AuthEnv>().get('/', async (c) => {
    const degraded = await serverDegraded();
    const etag = degraded ? statusEtag(c.var.user).replace(/"$/, '-degraded"') : statusEtag(c.var.user);
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    const asked = c.req.header('if-none-match');
    if (asked && asked.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return c.body(null, 304);
    return c.json({ ...(await accounts.status(c.var.user)), serverDegraded: degraded });
  });
}
