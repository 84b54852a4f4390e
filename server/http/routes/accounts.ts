import { Hono } from 'hono';
import { createAccountSchema, updateAccountSchema } from '../../../shared/schemas.ts';
import type { Accounts } from '../../accounts/index.ts';
import type { Health } from '../../health/check.ts';
import type { AuthEnv } from '../auth.ts';
import { jsonBody, limitBody } from '../body.ts';

export function accountRoutes(accounts: Accounts, health: Health) {
  return new Hono<AuthEnv>()
    .use(limitBody(64 * 1024))
    .get('/', async (c) => c.json({ accounts: await accounts.list(c.var.user) }))
    // `?test=true`: both sign-ins are tried first; a failing one answers 422 and saves nothing.
    .post('/', jsonBody(createAccountSchema), async (c) => c.json(await accounts.create(c.var.user, c.req.valid('json'), { test: c.req.query('test') === 'true' }), 201))
    .get('/:id', async (c) => c.json(await accounts.get(c.var.user, c.req.param('id'))))
    .patch('/:id', jsonBody(updateAccountSchema), async (c) => c.json(await accounts.update(c.var.user, c.req.param('id'), c.req.valid('json'))))
    .delete('/:id', async (c) => {
      await accounts.remove(c.var.user, c.req.param('id'));
      return c.body(null, 204);
    })
    // State changes; `?include=trouble` adds the checks that failed without changing the state.
    .get('/:id/events', async (c) => c.json({ events: await accounts.events(c.var.user, c.req.param('id'), { trouble: c.req.query('include') === 'trouble' }) }))
    .post('/:id/check', async (c) => {
      const { id } = await accounts.row(c.var.user, c.req.param('id'));
      await health.checkNow(id);
      return c.json(await accounts.get(c.var.user, id));
    });
}
