/**
 * Small pieces both provider fakes share: serving a Hono app on loopback, random tokens,
 * the PKCE S256 check, form bodies, client authentication and an unsigned-looking JWT.
 *
 * @example
 *   const served = await serveApp(app); // served.url = 'http://127.0.0.1:PORT'
 *   pkceMatches(verifier, challenge);   // base64url(sha256(verifier)) === challenge
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Context, Env, Hono } from 'hono';

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the app on 127.0.0.1. Port 0 lets the kernel pick a free port at bind time, so two
 * fakes started at once never race for the same one (freePort() would leave a gap).
 *
 * @example const { url, close } = await serveApp(app);
 */
export function serveApp<E extends Env>(app: Hono<E>): Promise<ServedApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets (Dovecot's, fetch's) would hold close() open for seconds.
            (server as Server).closeAllConnections?.();
          }),
      });
    });
  });
}

/**
 * A random URL-safe token, optionally prefixed the way the provider's tokens look.
 *
 * @example randomToken('ya29.') // 'ya29.Qm9…'
 */
export function randomToken(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/**
 * RFC 7636 S256: the challenge is base64url(sha256(verifier)) without padding.
 *
 * @example pkceMatches('abc', s256('abc')) // true
 */
export function pkceMatches(verifier: string, challenge: string): boolean {
  return s256(verifier) === challenge;
}

/** @example s256('verifier') // the code_challenge for that verifier */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * The request's application/x-www-form-urlencoded body. Read as text so that a missing or odd
 * Content-Type (Dovecot, curl) still parses.
 *
 * @example const form = await formBody(c); form.get('grant_type');
 */
export async function formBody(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(await c.req.text());
}

export interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
  via: 'basic' | 'body' | 'none';
}

/**
 * Client authentication as RFC 6749 §2.3.1 allows it: HTTP Basic (form-encoded id and secret)
 * wins over client_id/client_secret in the body.
 *
 * @example const { clientId, clientSecret } = clientCredentials(c, form);
 */
export function clientCredentials(c: Context, form: URLSearchParams): ClientCredentials {
  const header = c.req.header('authorization') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)), via: 'basic' };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return { clientId, clientSecret, via: clientId || clientSecret ? 'body' : 'none' };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * A JWT that looks like the provider's (RS256 header, base64url parts) with a dummy signature.
 * Clients that only decode the payload (as id_token consumers over TLS may) read it fine.
 *
 * @example unsignedJwt({ sub: '1', email: 'ann@acme.test' }).split('.').length // 3
 */
export function unsignedJwt(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'fake-key-1', typ: 'JWT', ...header })}.${part(payload)}.${randomBytes(64).toString('base64url')}`;
}

/**
 * A stable identifier derived from a seed: the same mailbox gets the same `sub`/`oid` in
 * every fake instance, as it would at the real provider.
 *
 * @example stableUuid('oid:ann@acme.test') // '3f2a…-…'
 */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** @example stableDigits('sub:ann@acme.test', 21) // '108234…' (Google's numeric subject) */
export function stableDigits(seed: string, length: number): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return ('1' + BigInt(`0x${hex}`).toString().padStart(length, '0')).slice(0, length);
}

/** @example const traceId = newGuid(); */
export const newGuid = (): string => randomUUID();

/**
 * Waits, but gives up early when the fake closes: a 'slow' answer must not keep a test
 * process alive after close().
 *
 * @example await pause(10_000, closing.signal);
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
