import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress, NO_SOCKET, normaliseAddress } from './client-address.ts';

describe('normaliseAddress', () => {
  it('keeps IPv4 as it is and unwraps an IPv4-mapped IPv6 address', () => {
    expect(normaliseAddress('198.51.100.7')).toBe('198.51.100.7');
    expect(normaliseAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseAddress('::FFFF:c000:0201')).toBe('192.0.2.1');
  });

  it('groups IPv6 by its /64, whatever the spelling', () => {
    expect(normaliseAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:0db8:0001:0002:bbbb:0:0:2')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001::5:a:b:c:d')).toBe(normaliseAddress('2001:0:0:5::1'));
    expect(normaliseAddress('2001:db8:1:3::1')).not.toBe(normaliseAddress('2001:db8:1:2::1'));
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80::/64');
    expect(normaliseAddress('::1')).toBe('::/64');
  });
});

describe('clientAddress', () => {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c)));

  it("reads the connection's peer address", async () => {
    const res = await app.request('/', {}, { incoming: { socket: { remoteAddress: '::ffff:203.0.113.9', remotePort: 5000, remoteFamily: 'IPv6' } } });
    expect(await res.text()).toBe('203.0.113.9');
  });

  it('counts a request without a socket as one local client', async () => {
    expect(await (await app.request('/')).text()).toBe(NO_SOCKET);
  });
});
