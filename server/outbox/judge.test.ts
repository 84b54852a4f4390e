import { describe, expect, it } from 'vitest';
import { GoogleApiError, OAuthRequestError } from '../providers/errors.ts';
import { judgeSend } from './judge.ts';

// nodemailer's error shapes: code, responseCode and the server's reply.
const smtpError = (code: string, responseCode: number, response: string, command = code === 'EENVELOPE' ? 'RCPT TO' : 'DATA') => Object.assign(new Error(`Message failed: ${response}`), { code, responseCode, response, command });

describe('judgeSend', () => {
  it('a recipient refused for good fails that email', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 550, '550 5.1.1 <x@example.test>: Recipient address rejected') })).toMatchObject({ kind: 'rejected', code: 'recipient_rejected' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 554, '554 5.6.0 Message content rejected') })).toMatchObject({ kind: 'rejected', code: 'message_rejected' });
  });

  it('a refused sign-in is a lost login, never a failed email', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EAUTH', 535, '535 5.7.8 Authentication credentials invalid') })).toMatchObject({ kind: 'login_lost', classification: { code: 'smtp_auth_failed' } });
    expect(judgeSend({ source: 'smtp', error: smtpError('EAUTH', 535, '535 5.7.3 Authentication unsuccessful'), oauth: true })).toMatchObject({ kind: 'login_lost', classification: { code: 'xoauth2_rejected' } });
    expect(judgeSend({ source: 'google_token', error: new OAuthRequestError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }) })).toMatchObject({ kind: 'login_lost', classification: { code: 'grant_revoked' } });
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 530, '530 5.7.0 Authentication required') })).toMatchObject({ kind: 'login_lost' });
  });

  it('passing trouble and sending limits wait and retry', () => {
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 451, '451 4.3.0 Try again later') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EMESSAGE', 550, '550 5.4.5 Daily user sending quota exceeded') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }) })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'gmail_api', error: new GoogleApiError(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] } }) })).toMatchObject({ kind: 'retry' });
  });

  it('Gmail refusing the message itself (400) fails it; a failed precondition is about the mailbox', () => {
    expect(judgeSend({ source: 'gmail_api', error: new GoogleApiError(400, { error: { code: 400, message: 'Invalid To header', status: 'INVALID_ARGUMENT', errors: [{ reason: 'invalidArgument' }] } }) })).toMatchObject({ kind: 'rejected' });
    expect(judgeSend({ source: 'gmail_api', error: new GoogleApiError(400, { error: { code: 400, message: 'Precondition check failed.', status: 'FAILED_PRECONDITION', errors: [{ reason: 'failedPrecondition' }] } }) })).toMatchObject({ kind: 'retry' });
  });

  it('a refusal at MAIL FROM or the greeting is about the mailbox: the email waits, a policy refusal is recorded', () => {
    // Office 365: the mailbox may not send as this address; an admin must act.
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 550, '550 5.7.60 SMTP; Client does not have permissions to send as this sender', 'MAIL FROM') })).toMatchObject({ kind: 'login_lost', classification: { verdict: 'admin_action', code: 'smtp_refused' } });
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 554, '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked', 'MAIL FROM') })).toMatchObject({ kind: 'login_lost', classification: { verdict: 'admin_action' } });
    // Held for sending spam: nothing a person can fix at once; wait.
    expect(judgeSend({ source: 'smtp', error: smtpError('EENVELOPE', 554, '554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException', 'MAIL FROM') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EPROTOCOL', 554, '554 mx.example.test ESMTP not accepting messages', 'CONN') })).toMatchObject({ kind: 'retry' });
    expect(judgeSend({ source: 'smtp', error: smtpError('EPROTOCOL', 550, '550 Requested action not taken', 'EHLO') })).toMatchObject({ kind: 'retry' });
  });

  it('an email too large for the server fails that email', () => {
    const error = Object.assign(new Error('Message size larger than allowed 1000'), { code: 'EMESSAGE', command: 'MAIL FROM' });
    expect(judgeSend({ source: 'smtp', error })).toMatchObject({ kind: 'rejected', code: 'message_rejected' });
  });
});
