/**
 * The reference for HTTP figures: a bare Hono app on @hono/node-server answering
 * GET /api/status with a constant, in its own process started the way Regrant's is (tsx).
 *
 *   PORT=9000 npx tsx bench/support/bare-route.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/api/status', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
