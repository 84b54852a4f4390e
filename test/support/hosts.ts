/**
 * Host names and the host guard in tests. The test servers listen on loopback, which Regrant
 * refuses by default: tests (and the demo) open 127.0.0.0/8 with ALLOW_PRIVATE_HOSTS, as an
 * operator with an internal mail server would. `tableLookup` stands in for the resolver, so a
 * test can make a name resolve to a public address now and to 127.0.0.1 a moment later.
 *
 * @example
 *   const table = { 'mail.acme.test': ['93.184.216.34'] };
 *   const rg = await startRegrant({ ALLOW_PRIVATE_HOSTS: '' }, { lookup: tableLookup(table) });
 *   table['mail.acme.test'] = ['127.0.0.1'];
 */
import { createHostGuard, parseAllowedRanges, type HostLookup } from '../../server/net/index.ts';

export const TEST_ALLOW_PRIVATE_HOSTS = '127.0.0.0/8';

/** The guard of a server with ALLOW_PRIVATE_HOSTS=127.0.0.0/8, for tests that call the mail clients directly. */
export const loopbackHosts = createHostGuard({ allowed: parseAllowedRanges(TEST_ALLOW_PRIVATE_HOSTS) });

/** A resolver from a table, read at every lookup; a name not in it does not exist (ENOTFOUND). */
export function tableLookup(table: Record<string, string[]>): HostLookup {
  return async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
