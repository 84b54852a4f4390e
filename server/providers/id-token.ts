/**
 * The address an id_token names, read with jose's `decodeJwt`. Its signature is not verified,
 * and need not be: the token came straight from the provider's token endpoint over TLS in
 * answer to our own client-authenticated code exchange, where OpenID Connect Core 3.1.3.7
 * (item 6) lets TLS stand in for the signature. No access rests on it alone either: Microsoft's
 * mailbox is confirmed by an IMAP sign-in with the access token, and reauth only uses it to
 * decide whether an unused Google grant may be revoked.
 *
 * @example idTokenEmail(grant.idToken) // 'ann@acme.test', or null
 */
import { decodeJwt } from 'jose';

/** The address an id_token names, if any (lower-cased); null for no token or one that is not a JWT. */
export function idTokenEmail(idToken: string | null): string | null {
  if (!idToken) return null;
  try {
    const claims = decodeJwt(idToken);
    const address = [claims.email, claims.preferred_username].find((v): v is string => typeof v === 'string' && v.includes('@'));
    return address?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}
