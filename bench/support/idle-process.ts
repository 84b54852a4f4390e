/**
 * A reference for the memory benchmark (compiled, under node): a process that loads nothing (or, with
 * `hono`, Hono and its Node server answering one route) and then waits, so the runtime and
 * loader's own share of the server's memory can be told apart from Regrant's.
 *
 *   tsx bench/support/idle-process.ts [hono]   (the benchmark runs it compiled, under node)
 */
if (process.argv[2] === 'hono') {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  serve({ fetch: new Hono().get('/healthz', (c) => c.json({ ok: true })).fetch, port: 0, hostname: '127.0.0.1' });
}
console.log('ready');
setInterval(() => {}, 60_000);
export {};
