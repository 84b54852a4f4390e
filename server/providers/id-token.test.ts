import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { unsignedJwt } from '../../test/fakes/oauth-common.ts';
import { idTokenEmail } from './id-token.ts';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('idTokenEmail', () => {
  it('reads the address of an id_token as the fakes issue it (RS256 header, signature not checked), lower-cased', () => {
    expect(idTokenEmail(unsignedJwt({ iss: 'https://accounts.google.com', email: 'Ann@Acme.TEST', email_verified: true }))).toBe('ann@acme.test');
  });

  it('takes preferred_username (Microsoft) when email is missing or not an address', () => {
    expect(idTokenEmail(unsignedJwt({ preferred_username: 'Bob@Contoso.test' }))).toBe('bob@contoso.test');
    expect(idTokenEmail(unsignedJwt({ email: 'not an address', preferred_username: 'bob@contoso.test' }))).toBe('bob@contoso.test');
    expect(idTokenEmail(unsignedJwt({ sub: '1', preferred_username: 'bob' }))).toBeNull();
  });

  it('reads a properly signed JWT the same way', async () => {
    const signed = await new SignJWT({ email: 'cy@acme.test' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
    expect(idTokenEmail(signed)).toBe('cy@acme.test');
  });

  it('null for no token, or for one that is not a JWS-compact JWT with a JSON object payload', () => {
    expect(idTokenEmail(null)).toBeNull();
    expect(idTokenEmail('not-a-jwt')).toBeNull();
    expect(idTokenEmail(`${part({ alg: 'none' })}..sig`)).toBeNull();
    expect(idTokenEmail(`${part({ alg: 'none' })}.${part('not json')}.sig`)).toBeNull();
    expect(idTokenEmail(`${part({ alg: 'none' })}.${part(['ann@acme.test'])}.sig`)).toBeNull();
    expect(idTokenEmail(`${part({ alg: 'RSA-OAEP' })}.key.iv.${part({ email: 'ann@acme.test' })}.tag`)).toBeNull(); // an encrypted (JWE) token
  });
});
