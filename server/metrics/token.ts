/**
 * The metrics bearer token, compared in constant time: both sides are hashed first, so neither
 * the token's length nor its first differing byte shows in the time an answer takes.
 *
 * @example bearerMatches(c.req.header('authorization'), config.metricsToken) // true or false
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const same = timingSafeEqual(digest(given ?? ''), digest(token));
  return same && given !== undefined;
}
