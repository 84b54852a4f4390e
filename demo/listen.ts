/**
 * The demo's HTTP port: the one asked for, or any free one when it is taken (said in
 * `fellBack`). The port is taken before Regrant exists, because the fakes must know its URL
 * (their OAuth redirect URIs) before Regrant is configured; requests wait for `setApp`.
 *
 * @example
 *   const http = await listen(8787, '127.0.0.1');
 *   http.setApp(regrant.app.fetch);
 */
import { createHttpServer } from '../server/http/serve.ts';
import type { AddressInfo } from 'node:net';

/** Hono's `app.fetch`: the Node bindings (`env`) carry the client's socket, which rate limits key on. */
type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

export interface Listening {
  port: number;
  /** The port asked for was taken; `port` is another one. */
  fellBack: boolean;
  setApp(fetch: Fetch): void;
  close(): Promise<void>;
}

export async function listen(port: number, hostname: string): Promise<Listening> {
  let app: Fetch | null = null;
  const server = createHttpServer((request: Request, env: unknown) => (app ? app(request, env) : new Response('Regrant is starting', { status: 503, headers: { 'retry-after': '1' } })));
  const tryPort = (p: number) =>
    new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error));
      server.once('error', onError);
      server.listen(p, hostname, () => {
        server.off('error', onError);
        resolve(true);
      });
    });
  const fellBack = !(await tryPort(port));
  if (fellBack) await tryPort(0);
  return {
    port: (server.address() as AddressInfo).port,
    fellBack,
    setApp: (fetch) => void (app = fetch),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The extension's keep-alive connections must not hold the demo open.
        server.closeAllConnections();
      }),
  };
}
