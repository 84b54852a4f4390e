import { describe, expect, it } from 'vitest';
import { ProviderHttpError } from '../health/facts.ts';
import { judgeSend } from './judge.ts';

// nodemailer's error shapes: code, responseCode and the server's reply.
const smtpError = (code: string, responseCode: number, response: string) => Object.assign(new Error(`Message failed: ${response}`), { code, responseCode, response });

describe('judgeSend', () => {
  it('a recipient refused for good fails that email', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 550, '550 5.1.1 <x@example.test>: Recipient address rejected') })).toMatchObject({ kind: 'rejected', code: 'recipient_rejected' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 554, '554 5.6.0 Message content rejected') })).toMatchObject({ kind: 'rejected', code: 'message_rejected' });
  });

  it('a refused sign-in is a lost login, never a failed email', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EAUTH', 535, '535 5.7.8 Authentication credentials invalid') })).toMatchObject({ kind: 'login_lost', classification: { code: 'smtp_auth_failed' } });
    expect(judgeSend({ source: 'smtp', error: smtpError('EAUTH', 535, '535 5.7.3 Authentication unsuccessful'), oauth: true })).toMatchObject({ kind: 'login_lost', classification: { code: 'xoauth2_rejected' } });
    expect(judgeSend({ source: 'google_token', error: new ProviderHttpError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }) })).toMatchObject({ kind: 'login_lost', classification: { code: 'grant_revoked' } });
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 530, '530 5.7.0 Authentication required') })).toMatchObject({ kind: 'login_lost' });
  });

  it('passing trouble and sending limits wait and retry', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 451, '451 4.3.0 Try again later') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 550, '550 5.4.5 Daily user sending quota exceeded') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }) })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'gmail_api', error: new ProviderHttpError(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] } }) })).toMatchObject({ kind: 'retry' });
  });

  it('Gmail refusing the message itself (400) fails it', () => {
    expect(judgeSend({ source: 'gmail_api', error: new ProviderHttpError(400, { error: { code: 400, message: 'Invalid To header', status: 'INVALID_ARGUMENT', errors: [{ reason: 'invalidArgument' }] } }) })).toMatchObject({ kind: 'rejected' });
  });
});
