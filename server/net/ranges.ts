/**
 * Which IP addresses Regrant refuses to connect to on a member's say-so: everything that is
 * not a public unicast address (loopback, RFC 1918, link-local, CGNAT, unique-local,
 * multicast, unspecified, broadcast, documentation and other reserved ranges), unless the
 * operator opened its range with ALLOW_PRIVATE_HOSTS. IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
 *
 * @example
 *   const allowed = parseAllowedRanges('10.0.0.0/8, fd00::/8');
 *   refusedKind('::ffff:127.0.0.1', allowed); // 'loopback'
 *   refusedKind('10.1.2.3', allowed); // null: opened by the operator
 */
import ipaddr from 'ipaddr.js';

/** A CIDR range the operator opened: an address and its prefix length. */
export type AllowedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** ipaddr.js's names for its special ranges, in the words a person reads. */
const KIND: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
};

/** Global unicast IPv6 (2000::/3): everything outside it is special or not yet assigned. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Reads ALLOW_PRIVATE_HOSTS: CIDR ranges separated by commas; a bare address opens just
 * itself. Throws an Error naming the first entry that is not a range.
 *
 * @example parseAllowedRanges('127.0.0.0/8,::1') // two ranges
 */
export function parseAllowedRanges(text: string): AllowedRange[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        const [address, bits, ...rest] = entry.split('/');
        // Only the plain forms: "127.1" opening 127.0.0.1 would surprise whoever reads the setting.
        if (rest.length || !(ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address))) throw new Error('not an address');
        if (bits === undefined) return [ipaddr.parse(address), address.includes(':') ? 128 : 32] as AllowedRange;
        if (!/^\d{1,3}$/.test(bits)) throw new Error('no prefix length');
        return ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`"${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`);
      }
    });
}

/**
 * Why an address is refused ('loopback', 'private', …), or null when Regrant may connect to
 * it: a public unicast address, or one inside a range the operator opened. Anything that is
 * not an IP address at all is refused as 'invalid'.
 */
export function refusedKind(address: string, allowed: readonly AllowedRange[] = []): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process(): an IPv4-mapped IPv6 address becomes the IPv4 address it reaches.
    ip = ipaddr.process(address.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return 'invalid';
  }
  if (allowed.some((range) => inRange(ip, range))) return null;
  const range = ip.range();
  if (range === 'unicast' && (ip.kind() === 'ipv4' || inRange(ip, GLOBAL_UNICAST_V6))) return null;
  return KIND[range] ?? 'reserved';
}

function inRange(ip: ipaddr.IPv4 | ipaddr.IPv6, [base, bits]: AllowedRange): boolean {
  if (ip.kind() !== base.kind()) return false;
  return ip.kind() === 'ipv4' ? (ip as ipaddr.IPv4).match(base as ipaddr.IPv4, bits) : (ip as ipaddr.IPv6).match(base as ipaddr.IPv6, bits);
}
