/**
 * Whose request this is, for rate limits: the peer address of the connection, as
 * @hono/node-server's conninfo gives it, normalised with ipaddr.js. An IPv4 client reached
 * over an IPv6 socket (`::ffff:192.0.2.1`) is its IPv4 address; an IPv6 client is its /64,
 * since one host can pick any address inside it. Behind a proxy every client shares the
 * proxy's address, so the limits are generous.
 *
 * @example clientAddress(c) // '192.0.2.1', or '2001:db8:1:2::/64'
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

/** A request with no socket (the app called directly, as tests do) counts as this one client. */
export const NO_SOCKET = 'local';

export function clientAddress(c: Context): string {
  if (!(c.env as { incoming?: unknown } | undefined)?.incoming) return NO_SOCKET;
  const raw = getConnInfo(c).remote.address;
  if (!raw) return NO_SOCKET;
  return normaliseAddress(raw);
}

/** The rate-limit key of one address: IPv4 as it is, IPv6 by its /64 (zone ids dropped). */
export function normaliseAddress(raw: string): string {
  const text = raw.split('%')[0];
  if (!ipaddr.isValid(text)) return text;
  const address = ipaddr.process(text);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toRFC5952String()}/64`;
}
