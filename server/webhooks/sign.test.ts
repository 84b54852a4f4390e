import { Webhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { newSecret, signedHeaders } from './sign.ts';

it('a signature verifies with the Standard Webhooks reference library, and fails once the body changes', () => {
  const secret = newSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const body = JSON.stringify({ type: 'mailbox.needs_reauth', data: { email: 'ann@acme.test' } });
  const headers = signedHeaders(secret, 'msg_1', body, new Date());
  const verifier = new Webhook(secret);
  expect(verifier.verify(body, headers)).toEqual(JSON.parse(body));
  expect(() => verifier.verify(body.replace('ann', 'bob'), headers)).toThrow();
  expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
});

it('an old timestamp is refused by the library: each attempt is signed anew', () => {
  const secret = newSecret();
  const headers = signedHeaders(secret, 'msg_1', '{}', new Date(Date.now() - 3600_000));
  expect(() => new Webhook(secret).verify('{}', headers)).toThrow(/timestamp/i);
});
