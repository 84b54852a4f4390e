/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a `whsec_` secret of random
 * bytes, and for every attempt the headers `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature`, `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's
 * bytes, so any receiver verifies it with the specification's own libraries.
 *
 * @example
 *   const secret = newSecret(); // 'whsec_…'
 *   const headers = signedHeaders(secret, 'msg_1', '{"type":"mailbox.needs_reauth"}', new Date());
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, base64, prefixed `whsec_`. */
export function newSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The three headers of one attempt; the id stays the same across attempts, the timestamp is now. */
export function signedHeaders(secret: string, id: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(secret, id, timestamp, body) };
}
