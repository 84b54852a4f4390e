import { Hono, type MiddlewareHandler } from 'hono';
import { queueMessageSchema } from '../../../shared/schemas.ts';
import type { Outbox } from '../../outbox/index.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';

/** `/api/messages`: queue an email from one of the caller's mailboxes, and follow it; `queueLimit` counts each person's emails. */
export function messageRoutes(outbox: Outbox, queueLimit: MiddlewareHandler) {
  return new Hono<AuthEnv>()
    .use(limitBody(1024 * 1024 + 64 * 1024))
    .post('/', queueLimit, jsonBody(queueMessageSchema), async (c) => c.json(await outbox.enqueue(c.var.user, c.req.valid('json')), 202))
    .get('/:id', async (c) => c.json(await outbox.get(c.var.user, c.req.param('id'))));
}
