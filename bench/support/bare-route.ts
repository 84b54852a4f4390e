/**
 * The reference for HTTP figures: a bare Hono app on @hono/node-server answering
 * GET /api/status with a constant, in its own process started the way Regrant's is (compiled, plain node),
 * on the same Node server and limits.
 *
 *   PORT=9000 npx tsx bench/support/bare-route.ts   (the benchmark runs it compiled, under node)
 */
import { createHttpServer } from '../../server/http/serve.ts';
import { Hono } from 'hono';

const app = new Hono().get('/api/status', (c) => c.json({ ok: true }));
createHttpServer(app.fetch).listen(Number(process.env.PORT), '127.0.0.1');
