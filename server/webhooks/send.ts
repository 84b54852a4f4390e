/**
 * One HTTP attempt at a webhook: POST the body to the URL, connecting only to an address the
 * host guard judged (ALLOW_PRIVATE_HOSTS), TLS verified by the URL's name, no redirects
 * followed, given up after 10 s. Answers what the receiver said; never throws.
 *
 * @example
 *   const answer = await postJson(hosts, 'https://hooks.slack.com/…', body, {});
 *   if (answer.ok) …; else answer.error // "503 Service Unavailable: try later"
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import type { HostGuard } from '../net/index.ts';

export interface Answer {
  ok: boolean;
  /** The receiver's HTTP status; absent when it did not answer. */
  status?: number;
  /** Why it failed, in words (the status and the start of what the receiver said, or the network error). */
  error?: string;
}

/** No answer within this long counts as a failed attempt. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How much of a refusal's body is kept to show its owner. */
const SAID_CHARS = 200;

/** A lookup that always answers the one judged address, in whichever shape the socket asks for. */
function pinned(address: string): LookupFunction {
  const family = net.isIP(address);
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

export async function postJson(hosts: HostGuard, target: string, body: string, headers: Record<string, string>, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const url = new URL(target);
    const address = await hosts.addressFor(url.hostname, signal);
    const client = url.protocol === 'https:' ? https : http;
    return await new Promise<Answer>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Regrant-Webhooks', ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: pinned(address),
          signal,
        },
        (response) => {
          let said = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (said.length < SAID_CHARS) said += chunk;
          });
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const ok = status >= 200 && status < 300;
            const words = `${status} ${response.statusMessage ?? ''}`.trim();
            const text = said.trim().slice(0, SAID_CHARS);
            resolve(ok ? { ok, status } : { ok, status, error: text ? `${words}: ${text}` : words });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  } catch (error) {
    if (signal.aborted) return { ok: false, error: `no answer within ${timeoutMs / 1000} s` };
    const e = error as { message?: string; code?: string };
    return { ok: false, error: e.code && !e.message?.includes(e.code) ? `${e.code}: ${e.message}` : String(e.message ?? error) };
  }
}
