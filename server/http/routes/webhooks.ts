import { Hono } from 'hono';
import { createWebhookSchema, updateWebhookSchema } from '../../../shared/schemas.ts';
import { pageHeaders } from '../../reauth/page-layout.ts';
import { fixPage } from '../../webhooks/fix-page.ts';
import type { Webhooks } from '../../webhooks/index.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';

export function webhookRoutes(webhooks: Webhooks) {
  return new Hono<AuthEnv>()
    .use(limitBody(16 * 1024))
    .get('/', async (c) => c.json({ webhooks: await webhooks.list(c.var.user) }))
    .post('/', jsonBody(createWebhookSchema), async (c) => c.json(await webhooks.create(c.var.user, c.req.valid('json')), 201))
    .get('/:id', async (c) => c.json(await webhooks.get(c.var.user, c.req.param('id'))))
    .patch('/:id', jsonBody(updateWebhookSchema), async (c) => c.json(await webhooks.update(c.var.user, c.req.param('id'), c.req.valid('json'))))
    .delete('/:id', async (c) => {
      await webhooks.remove(c.var.user, c.req.param('id'));
      return c.body(null, 204);
    })
    .post('/:id/test', async (c) => c.json(await webhooks.test(c.var.user, c.req.param('id'))))
    .get('/:id/deliveries', async (c) => c.json({ deliveries: await webhooks.deliveries(c.var.user, c.req.param('id')) }));
}

/** `GET /fix/:id`: where chat messages of earlier versions pointed for a custom mailbox (new ones carry its repair link); safe, reads nothing. */
export function fixPageRoutes(workspaceName: string) {
  return new Hono().get('/fix/:id', (c) => c.html(fixPage(workspaceName), 200, pageHeaders()));
}
