import { Hono } from 'hono';
import type { Reauth } from '../../reauth/index.ts';
import type { AuthEnv } from '../auth.ts';

/** `/api/connect/:provider`: a one-time URL to add a Google or Microsoft mailbox. */
export function connectRoutes(reauth: Reauth) {
  return new Hono<AuthEnv>().post('/:provider', async (c) => c.json(await reauth.connect(c.var.user, c.req.param('provider'))));
}

/** Re-grant URLs and share links of one account, under `/api/accounts/:id/`. */
export function accountReauthRoutes(reauth: Reauth) {
  return new Hono<AuthEnv>()
    .post('/:id/regrant', async (c) => c.json(await reauth.regrant(c.var.user, c.req.param('id'))))
    .post('/:id/share-link', async (c) => c.json(await reauth.createShareLink(c.var.user, c.req.param('id')), 201))
    .delete('/:id/share-link', async (c) => {
      await reauth.revokeShareLink(c.var.user, c.req.param('id'));
      return c.body(null, 204);
    });
}

/** `/api/pending-connections`: connections held for an admin, who approves or refuses each (admins only). */
export function pendingConnectionRoutes(reauth: Reauth) {
  return new Hono<AuthEnv>()
    .get('/', async (c) => c.json({ pending: await reauth.pending.list(c.var.user) }))
    .post('/:id/approve', async (c) => c.json({ accountId: await reauth.pending.approve(c.var.user, c.req.param('id')) }, 201))
    .post('/:id/refuse', async (c) => {
      await reauth.pending.refuse(c.var.user, c.req.param('id'));
      return c.body(null, 204);
    });
}
