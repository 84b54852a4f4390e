import { describe, expect, it } from 'vitest';
import { parseAllowedRanges, refusedKind } from './ranges.ts';

describe('refusedKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'], // the cloud metadata address
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'], // documentation
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'], // benchmarking
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'], // discard
    ['64:ff9b::7f00:1', 'reserved'], // NAT64 of 127.0.0.1
    ['2002:7f00:1::1', 'reserved'], // 6to4 of 127.0.0.1
    ['2001::1', 'reserved'], // Teredo
    ['::7f00:1', 'reserved'], // the old IPv4-compatible form of 127.0.0.1
    ['fec0::1', 'site-local'],
    // IPv4-mapped IPv6 is judged as the IPv4 address it reaches.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['[::1]', 'loopback'],
    ['mail.acme.test', 'invalid'],
    ['', 'invalid'],
  ])('%s is refused as %s', (address, kind) => {
    expect(refusedKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2a00:1450:4001:80b::200e', '2606:4700::1111', '::ffff:8.8.8.8'])('%s, a public unicast address, is allowed', (address) => {
    expect(refusedKind(address)).toBeNull();
  });

  it('ranges the operator opened are allowed, and only those', () => {
    const allowed = parseAllowedRanges('127.0.0.0/8, 10.1.0.0/16, fd00::/8');
    expect(refusedKind('127.0.0.1', allowed)).toBeNull();
    expect(refusedKind('127.9.9.9', allowed)).toBeNull();
    expect(refusedKind('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(refusedKind('10.1.200.3', allowed)).toBeNull();
    expect(refusedKind('fd00::25', allowed)).toBeNull();
    expect(refusedKind('10.2.0.1', allowed)).toBe('private');
    expect(refusedKind('::1', allowed)).toBe('loopback'); // an IPv4 range does not open IPv6 loopback
    expect(refusedKind('169.254.169.254', allowed)).toBe('link-local');
  });
});

describe('parseAllowedRanges', () => {
  it('reads comma-separated CIDR ranges and bare addresses, ignoring blanks', () => {
    expect(parseAllowedRanges('')).toEqual([]);
    expect(parseAllowedRanges(' , ')).toEqual([]);
    const ranges = parseAllowedRanges('127.0.0.0/8, ::1 ,192.168.10.25');
    expect(ranges.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['127.0.0.0/8', '::1/128', '192.168.10.25/32']);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'localhost', '127.1', '2130706433', '10.0.0.0/', '10.0.0.0/8/8', '*'])('refuses %j, naming it', (entry) => {
    expect(() => parseAllowedRanges(`127.0.0.0/8,${entry}`)).toThrow(`"${entry}" is not a CIDR range`);
  });
});
