/**
 * Where Microsoft's IMAP and SMTP servers are, and how an access token is allowed to travel.
 */
import { expect, it } from 'vitest';
import { imapClientOptions } from '../../server/providers/mail/imap.ts';
import { forOAuthLogin, mailServerFromUrl } from '../../server/providers/mail/server.ts';
import { smtpTransportOptions } from '../../server/providers/mail/smtp.ts';
import { freePort } from '../support/ports.ts';

it('reads imaps:, imap:, smtps: and smtp: URLs, with default ports', () => {
  expect(mailServerFromUrl('imaps://outlook.office365.com:993')).toEqual({ host: 'outlook.office365.com', port: 993, security: 'tls' });
  expect(mailServerFromUrl('imap://mail.acme.test')).toEqual({ host: 'mail.acme.test', port: 143, security: 'opportunistic' });
  expect(mailServerFromUrl('smtps://smtp.acme.test')).toEqual({ host: 'smtp.acme.test', port: 465, security: 'tls' });
  expect(mailServerFromUrl('smtp://smtp.office365.com:587')).toEqual({ host: 'smtp.office365.com', port: 587, security: 'opportunistic' });
});

it('an access token goes to a remote server only over TLS: STARTTLS becomes required', () => {
  const login = { user: 'mia@contoso.test', accessToken: 'token' };
  const smtp = forOAuthLogin(mailServerFromUrl('smtp://smtp.office365.com:587'));
  expect(smtp.security).toBe('starttls');
  expect(smtpTransportOptions(smtp, { address: '52.96.0.1', servername: smtp.host }, login, 1000)).toMatchObject({ secure: false, requireTLS: true, ignoreTLS: false, auth: { type: 'OAuth2', user: 'mia@contoso.test', accessToken: 'token' } });
  const imap = forOAuthLogin(mailServerFromUrl('imap://outlook.office365.com'));
  expect(imapClientOptions(imap, { address: '52.96.0.1', servername: imap.host }, login, 1000)).toMatchObject({ secure: false, doSTARTTLS: true });
  // TLS from the first byte stays as it is; a server on this machine may be plain.
  expect(forOAuthLogin(mailServerFromUrl('imaps://outlook.office365.com:993')).security).toBe('tls');
  for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(forOAuthLogin(mailServerFromUrl(`smtp://${host}:2525`)).security).toBe('opportunistic');
});

it("a failed Google revocation says why without quoting the token", async () => {
  const { googleProvider } = await import('../../server/providers/google/index.ts');
  const closed = `http://127.0.0.1:${await freePort()}`; // nothing listens there
  const google = googleProvider({ clientId: 'id', clientSecret: 'secret', authUrl: `${closed}/auth`, tokenUrl: `${closed}/token`, apiUrl: `${closed}/` });
  const token = '1//REFRESH-SECRET-VALUE';
  const failure = await google.discard!({ accessToken: 'ya29.ACCESS-SECRET', refreshToken: token, grantedScopes: [], idToken: null }).then(
    () => null,
    (error: Error) => error,
  );
  expect(failure?.message).toMatch(/revocation endpoint could not be reached \(ECONNREFUSED\)/);
  expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toMatch(/SECRET/);
});
