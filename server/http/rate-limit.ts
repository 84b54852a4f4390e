/**
 * A fixed-window rate limit per client address, in memory. Enough for one server process
 * guarding pages that anyone on the internet can reach (share links); behind a proxy every
 * client shares the proxy's address, so the limit is generous.
 *
 * @example app.use('/r/*', rateLimit({ limit: 30, windowMs: 60_000, onLimited: (c) => c.text('slow down', 429) }))
 */
import type { Context, MiddlewareHandler } from 'hono';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  onLimited: (c: Context) => Response | Promise<Response>;
  now?: () => number;
  /** Whose requests share a window: the client address by default, or e.g. the signed-in user. */
  key?: (c: Context) => string;
}

/**
 * The peer's address as @hono/node-server exposes it; tests without a socket share one bucket.
 * IPv6 clients are grouped by their /64: one host can pick any address inside it.
 */
export function clientKey(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress ?? 'local';
  if (!address.includes(':') || address.startsWith('::ffff:')) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled with zeros: "2001:db8::1" → 2001,db8,0,0,0,0,0,1. */
function expandIpv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Windows kept at most; past it the oldest are dropped, so a flood cannot grow memory. */
const MAX_WINDOWS = 10_000;

export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const t = now();
    // Windows sit in the map in the order they began (a renewed one moves to the end), so
    // the ended ones, and past the cap the oldest, are at the front.
    for (const [key, w] of windows) {
      if (t - w.start < options.windowMs && windows.size < MAX_WINDOWS) break;
      windows.delete(key);
    }
    const key = (options.key ?? clientKey)(c);
    let w = windows.get(key);
    if (!w || t - w.start >= options.windowMs) {
      w = { start: t, count: 0 };
      windows.delete(key);
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > options.limit) {
      c.header('Retry-After', String(Math.ceil((w.start + options.windowMs - t) / 1000)));
      return options.onLimited(c);
    }
    await next();
  };
}
