import { Hono } from 'hono';
import type { Inbox } from '../../inbox/index.ts';
import type { AuthEnv } from '../auth.ts';

/** Replies and bounces found for one account's sent emails, under `/api/accounts/:id/`. */
export function inboxRoutes(inbox: Inbox) {
  return new Hono<AuthEnv>()
    .get('/:id/replies', async (c) => c.json({ replies: await inbox.replies(c.var.user, c.req.param('id')) }))
    .get('/:id/bounces', async (c) => c.json({ bounces: await inbox.bounces(c.var.user, c.req.param('id')) }));
}
