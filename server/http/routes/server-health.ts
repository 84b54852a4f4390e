import { Hono } from 'hono';
import { DomainError } from '../../errors.ts';
import type { OwnHealth } from '../../metrics/own-health.ts';
import type { AuthEnv } from '../auth.ts';

/** GET /api/server/health: Regrant's own health, for admins (403 for members). */
export function serverHealthRoutes(own: OwnHealth) {
  return new Hono<AuthEnv>().get('/', async (c) => {
    if (c.var.user.role !== 'admin') throw new DomainError('forbidden', "only admins see the server's own health");
    c.header('Cache-Control', 'no-store');
    return c.json(await own.report());
  });
}
