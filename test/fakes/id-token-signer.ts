/**
 * The provider fakes' signing keys: an RS256 key pair made at start, its public half published
 * as a JWK Set (as Google's and Microsoft's keys are), and id_tokens signed with it. A test can
 * change the next id_token: other claims (an old `exp`, another `aud` or `nonce`), or a
 * signature by a key nobody published.
 *
 * @example
 *   const signer = await createIdTokenSigner();
 *   app.get('/keys', (c) => c.json(signer.jwks));
 *   const idToken = await signer.sign({ iss, aud, sub, email });
 *   signer.tamperNext({ claims: { exp: 1 } }); // the next token is expired
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomToken } from './oauth-common.ts';

export interface IdTokenTamper {
  /** Claims laid over the next token's (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Sign the next token with a key that is not published. */
  foreignKey?: boolean;
}

export interface IdTokenSigner {
  /** `{ keys: [...] }`: what the provider's jwks_uri answers. */
  jwks: { keys: JWK[] };
  sign(claims: Record<string, unknown>): Promise<string>;
  /** Changes the next token signed (a queue: one entry per token). */
  tamperNext(tamper: IdTokenTamper): void;
  /** Claims laid over every token of one address (after the fake's own), until set again. */
  claimsFor(email: string): Record<string, unknown>;
  setClaims(email: string, claims: Record<string, unknown>): void;
}

export async function createIdTokenSigner(): Promise<IdTokenSigner> {
  const kid = randomToken('k', 9);
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const tampers: IdTokenTamper[] = [];
  const perAddress = new Map<string, Record<string, unknown>>();
  return {
    jwks: { keys: [jwk] },
    async sign(claims) {
      const tamper = tampers.shift() ?? {};
      const payload = Object.fromEntries(Object.entries({ ...claims, ...tamper.claims }).filter(([, v]) => v !== undefined));
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(tamper.foreignKey ? foreign.privateKey : privateKey);
    },
    tamperNext: (tamper) => void tampers.push(tamper),
    claimsFor: (email) => perAddress.get(email.toLowerCase()) ?? {},
    setClaims: (email, claims) => void perAddress.set(email.toLowerCase(), claims),
  };
}
