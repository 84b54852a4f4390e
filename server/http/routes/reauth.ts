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
