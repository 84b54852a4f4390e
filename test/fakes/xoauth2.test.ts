/**
 * Microsoft access tokens from the fake open real mail servers over XOAUTH2: Dovecot (oauth2
 * passdb asking the fake's introspection endpoint) through imapflow, and smtp-server (asking
 * checkAccessToken) through nodemailer. Revoked or rejected tokens fail the way the server
 * classifier expects: IMAP NO [AUTHENTICATIONFAILED], SMTP 535.
 */
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startMicrosoftFake, type MicrosoftFake } from './microsoft.ts';
import { CALLBACK, CLIENT, signIn } from './microsoft-flow.ts';

let ms: MicrosoftFake;
let imap: Dovecot;
let smtp: TestSmtp;

beforeAll(async () => {
  ms = await startMicrosoftFake({ ...CLIENT, redirectUris: [CALLBACK] });
  for (const m of ['mia@contoso.test', 'bob@contoso.test', 'eve@contoso.test']) ms.addMailbox(m);
  // startDovecot throws when Dovecot is missing: these tests never skip silently.
  imap = await startDovecot({ 'mia@contoso.test': 'pw', 'bob@contoso.test': 'pw', 'eve@contoso.test': 'pw' }, { oauthIntrospectionUrl: ms.introspectionUrl });
  smtp = await startSmtp({}, { checkOAuthToken: ms.checkAccessToken });
});
afterAll(async () => {
  await Promise.all([imap?.stop(), smtp?.stop()]);
  await ms?.close();
});

async function imapLogin(user: string, accessToken: string): Promise<{ ok: true } | { ok: false; error: { authenticationFailed?: boolean; serverResponseCode?: string } }> {
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user, accessToken }, logger: false, verifyOnly: true });
  client.on('error', () => {});
  try {
    await client.connect();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error as never };
  } finally {
    client.close();
  }
}

function smtpVerify(user: string, accessToken: string): Promise<unknown> {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, auth: { type: 'OAuth2', user, accessToken } });
  return transport.verify().finally(() => transport.close());
}

describe('XOAUTH2 with Microsoft fake tokens', () => {
  it('Dovecot lets a live token in and refuses it once revoked, with AUTHENTICATIONFAILED', async () => {
    const { access_token } = await signIn(ms, 'mia@contoso.test');
    expect(await imapLogin('mia@contoso.test', access_token)).toEqual({ ok: true });
    // Dovecot lowercases both sides (username_format %Lu), so the case of the login does not matter.
    expect(await imapLogin('Mia@Contoso.test', access_token)).toEqual({ ok: true });

    ms.revoke('mia@contoso.test');
    const revoked = await imapLogin('mia@contoso.test', access_token);
    expect(revoked).toMatchObject({ ok: false, error: { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' } });
    expect(ms.requests.filter((r) => r.path === '/introspect' && r.email === 'mia@contoso.test').map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('Dovecot refuses another mailbox’s token, and a fresh token while the mailbox is imap_rejected', async () => {
    const bob = await signIn(ms, 'bob@contoso.test');
    expect(await imapLogin('eve@contoso.test', bob.access_token)).toMatchObject({ ok: false, error: { serverResponseCode: 'AUTHENTICATIONFAILED' } });

    ms.fail('bob@contoso.test', 'imap_rejected');
    const fresh = await signIn(ms, 'bob@contoso.test');
    expect(await imapLogin('bob@contoso.test', fresh.access_token)).toMatchObject({ ok: false, error: { serverResponseCode: 'AUTHENTICATIONFAILED' } });
    ms.fail('bob@contoso.test', null);
    expect(await imapLogin('bob@contoso.test', fresh.access_token)).toEqual({ ok: true });
  });

  it('smtp-server accepts a live token and answers 535 to a revoked one', async () => {
    const { access_token } = await signIn(ms, 'eve@contoso.test');
    await expect(smtpVerify('eve@contoso.test', access_token)).resolves.toBe(true);
    await expect(smtpVerify('bob@contoso.test', access_token)).rejects.toMatchObject({ responseCode: 535 });

    ms.revoke('eve@contoso.test');
    // smtp-server's bad-token dance: 334 with the error JSON, the client's empty line, then 535.
    await expect(smtpVerify('eve@contoso.test', access_token)).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535, response: '535 Error: Username and Password not accepted' });
  });

  it('smtp-server still answers a forced reply to an XOAUTH2 login verbatim', async () => {
    const { access_token } = await signIn(ms, 'bob@contoso.test');
    smtp.answer('bob@contoso.test', 535, '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.');
    try {
      await expect(smtpVerify('bob@contoso.test', access_token)).rejects.toMatchObject({ responseCode: 535, response: expect.stringContaining('5.7.139') });
    } finally {
      smtp.clearAnswer('bob@contoso.test');
    }
    await expect(smtpVerify('bob@contoso.test', access_token)).resolves.toBe(true);
  });
});
