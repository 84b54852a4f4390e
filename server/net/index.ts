/**
 * Keeps members from using Regrant to reach internal networks (the server's own loopback,
 * the cloud metadata address, the office LAN) through a mailbox's host or a webhook URL.
 * A host is judged by every address it resolves to, with the system resolver, since that is
 * what a connection would reach: odd spellings such as `2130706433`, `0x7f.1` or `127.1` end
 * up at 127.0.0.1 there too. Settings are judged when saved, and again at every connection,
 * which goes to the very address that was judged (a name may resolve elsewhere tomorrow).
 *
 * @example
 *   const hosts = createHostGuard({ allowed: config.allowPrivateHosts });
 *   await hosts.assertMailHost('smtp.host', 'mail.acme.test'); // DomainError 422 if internal
 *   const address = await hosts.addressFor('mail.acme.test', signal); // connect here, verify TLS by the name
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { DomainError } from '../errors.ts';
import { refusedKind, type AllowedRange } from './ranges.ts';

export { parseAllowedRanges, refusedKind, type AllowedRange } from './ranges.ts';

/** Every address a name resolves to; tests pass their own to play a name that changes. */
export type HostLookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemLookup: HostLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** How long a save waits for the resolver; a name still unresolved is judged at connect time. */
const SAVE_LOOKUP_MS = 5000;
/** How long, and for how many names, saves reuse an answer (connections never do). */
const SAVE_MEMORY_MS = 60_000;
const SAVE_MEMORY_HOSTS = 10_000;

const POLICY = 'Regrant does not connect to loopback, private, link-local or other internal addresses; the Regrant operator can allow a range with ALLOW_PRIVATE_HOSTS.';

/** An IPv6 literal as URLs and people write it, [::1], without its brackets. */
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * Whether a host is written as an IP address (127.0.0.1, ::1, [::1]) rather than a name; odd
 * spellings such as 127.1 count as names, as they do for TLS and the system resolver.
 *
 * @example isIpLiteral('[::1]') // true
 */
export const isIpLiteral = (host: string) => net.isIP(bare(host)) !== 0;

/** A connection Regrant refused to make: `host` is, or resolves to, a `kind` address. */
export class HostNotAllowedError extends Error {
  readonly code = 'HOST_NOT_ALLOWED';
  constructor(
    readonly host: string,
    readonly kind: string,
  ) {
    super(`${host} ${isIpLiteral(host) ? 'is' : 'resolves to'} ${/^(unspecified|invalid)/.test(kind) ? 'an' : 'a'} ${kind} address`);
    this.name = 'HostNotAllowedError';
  }
}

export interface HostGuardOptions {
  /** Ranges the operator opened (ALLOW_PRIVATE_HOSTS). */
  allowed: readonly AllowedRange[];
  lookup?: HostLookup;
}

/** A refused host as the 422 that names the setting or field. */
const refusal = (field: string, error: HostNotAllowedError) => new DomainError('invalid_input', `${field}: ${error.message}. ${POLICY}`, field);

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export function createHostGuard({ allowed, lookup = systemLookup }: HostGuardOptions) {
  // Connections to one host at the same moment share one answer (each still goes to an address
  // that was judged); a resolver hit by a whole check cycle at once can stall for seconds.
  const inFlight = new Map<string, Promise<string[]>>();
  // Saves remember an answer for a minute: a 10,000-row import names the same few hosts.
  const recentlySaved = new Map<string, { until: number; addresses: Promise<string[]> }>();

  function resolve(host: string): Promise<string[]> {
    let answer = inFlight.get(host);
    if (!answer) {
      answer = lookup(host).then((found) => found.map((a) => a.address));
      inFlight.set(host, answer);
      answer.finally(() => inFlight.delete(host)).catch(() => {});
    }
    return answer;
  }

  /** The addresses `host` reaches: itself for an IP literal, else the resolver's answer. */
  async function addressesOf(host: string, signal?: AbortSignal): Promise<string[]> {
    if (isIpLiteral(host)) return [bare(host)];
    const found = await untilAborted(resolve(host), signal);
    if (found.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    return found;
  }

  /** What a save judges a name by: its addresses, none if it does not resolve (yet), remembered for a minute. */
  function addressesForSaving(host: string): Promise<string[]> {
    const now = Date.now();
    const kept = recentlySaved.get(host);
    if (kept && kept.until > now) return kept.addresses;
    if (recentlySaved.size >= SAVE_MEMORY_HOSTS) recentlySaved.clear();
    const addresses = addressesOf(host, AbortSignal.timeout(SAVE_LOOKUP_MS)).catch(() => []);
    recentlySaved.set(host, { until: now + SAVE_MEMORY_MS, addresses });
    return addresses;
  }

  /** Throws a HostNotAllowedError when any of the addresses is refused. */
  function judge(host: string, addresses: string[]): void {
    for (const address of addresses) {
      const kind = refusedKind(address, allowed);
      if (kind) throw new HostNotAllowedError(host, kind);
    }
  }

  /** Save-time judgement: refused addresses throw; a name that does not resolve (yet) waits for connect time. */
  async function judgeForSaving(host: string): Promise<void> {
    if (isIpLiteral(host)) return judge(host, [bare(host)]);
    // ipaddr.js reads the odd spellings (127.1, 0x7f.1, 2130706433) as well: refused even where a resolver would not.
    if (ipaddr.isValid(host)) judge(host, [ipaddr.parse(host).toString()]);
    // RFC 6761: localhost names are loopback, whatever a resolver says of them.
    if (/(^|\.)localhost\.?$/i.test(host)) judge(host, ['127.0.0.1']);
    judge(host, await addressesForSaving(host));
  }

  return {
    /**
     * The one address to connect to for `host`, resolved once and judged with every other
     * address it has. Throws a HostNotAllowedError, or the resolver's error (ENOTFOUND…).
     */
    async addressFor(host: string, signal?: AbortSignal): Promise<string> {
      const addresses = await addressesOf(host, signal);
      judge(host, addresses);
      return addresses[0];
    },

    /**
     * Refuses, with a 422 naming the setting, a mail host that is or resolves to a refused address.
     *
     * @example await hosts.assertMailHost('imap.host', input.imap.host);
     */
    async assertMailHost(setting: string, host: string): Promise<void> {
      try {
        await judgeForSaving(host);
      } catch (error) {
        if (error instanceof HostNotAllowedError) throw refusal(setting, error);
        throw error;
      }
    },

    /**
     * Checks a URL Regrant will call (a webhook): http or https only, its host judged like a
     * mail host. Answers the parsed URL; the caller connects through `addressFor` as well.
     *
     * @example const url = await hosts.assertPublicUrl('https://hooks.slack.com/services/T0/B0/x');
     */
    async assertPublicUrl(text: string, field = 'url'): Promise<URL> {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new DomainError('invalid_input', `${field}: must be an http:// or https:// URL`, field);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new DomainError('invalid_input', `${field}: must start with https:// or http:// (got ${url.protocol}//)`, field);
      }
      // The URL parser already wrote odd spellings (http://2130706433/) as 127.0.0.1.
      try {
        await judgeForSaving(url.hostname);
      } catch (error) {
        if (error instanceof HostNotAllowedError) throw refusal(field, error);
        throw error;
      }
      return url;
    },
  };
}

export type HostGuard = ReturnType<typeof createHostGuard>;
