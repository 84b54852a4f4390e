/**
 * The id_token's payload. Its signature is not verified: it came straight from the token
 * endpoint over TLS in answer to our own authenticated request (OpenID Connect Core 3.1.3.7),
 * and no decision about access rests on it alone.
 *
 * @example idTokenClaims(grant.idToken).email
 */
export function idTokenClaims(idToken: string): Record<string, unknown> {
  const payload = idToken.split('.')[1];
  if (!payload) throw new Error('the id_token is not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The address an id_token names, if any (lower-cased). */
export function idTokenEmail(idToken: string | null): string | null {
  if (!idToken) return null;
  try {
    const claims = idTokenClaims(idToken);
    const address = [claims.email, claims.preferred_username].find((v): v is string => typeof v === 'string' && v.includes('@'));
    return address?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}
