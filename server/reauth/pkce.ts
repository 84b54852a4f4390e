import { createHash, randomBytes } from 'node:crypto';

/**
 * A PKCE pair (RFC 7636, S256): the verifier stays on the server, the challenge goes to the
 * provider in the consent URL.
 *
 * @example const { verifier, challenge } = newPkce();
 */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url'); // 43 characters, within 43–128
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
