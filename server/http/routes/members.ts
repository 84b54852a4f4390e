import { Hono } from 'hono';
import { inviteSchema, roleChangeSchema } from '../../../shared/members.ts';
import type { Users } from '../../auth/index.ts';
import type { Members } from '../../auth/members.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';

/** `GET /api/me`, `POST /api/logout` and the admins' `/api/members`. */
export function meRoutes(members: Members, users: Users) {
  return new Hono<AuthEnv>()
    .get('/me', (c) => c.json(members.me(c.var.user)))
    .post('/logout', async (c) => {
      await users.revokeBearer(c.var.token);
      return c.body(null, 204);
    });
}

export function memberRoutes(members: Members) {
  return new Hono<AuthEnv>()
    .use(limitBody(8 * 1024))
    .get('/', async (c) => c.json(await members.list(c.var.user)))
    .post('/', jsonBody(inviteSchema), async (c) => c.json(await members.invite(c.var.user, c.req.valid('json')), 201))
    .patch('/:id', jsonBody(roleChangeSchema), async (c) => c.json(await members.changeRole(c.var.user, c.req.param('id'), c.req.valid('json').role)))
    .delete('/:id', async (c) => {
      await members.remove(c.var.user, c.req.param('id'), c.req.query('owner') || undefined);
      return c.body(null, 204);
    });
}
