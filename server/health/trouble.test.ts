import { describe, expect, it } from 'vitest';
import { delayText, placeOf, troubleMessage } from './trouble.ts';

const refused = (place: string) => ({ code: 'connection_refused', message: 'The mail server refused the connection.', place });

describe('trouble in words', () => {
  it('names the server, what happened, what it still counts as and the next try', () => {
    expect(troubleMessage([refused('the SMTP server smtp.example.com')], 'connected', 30_000)).toBe('Could not reach the SMTP server smtp.example.com just now (connection refused); still counted as connected; next try in 30 s.');
  });

  it('names both servers when SMTP and IMAP both fail', () => {
    expect(troubleMessage([refused('the SMTP server smtp.example.com'), { code: 'timeout', message: 'The mail server did not answer in time.', place: 'the IMAP server imap.example.com' }], 'connected', 60_000)).toBe(
      'Could not reach the SMTP server smtp.example.com (connection refused) or the IMAP server imap.example.com (no answer in time) just now; still counted as connected; next try in 60 s.',
    );
  });

  it('uses the classifier\'s words for other trouble, and says when nothing is re-tried', () => {
    expect(troubleMessage([{ code: 'throttled', message: 'The IMAP server is limiting connections for now.', place: 'imap.example.com' }], 'needs_reauth', null)).toBe(
      'Trouble with imap.example.com just now (the IMAP server is limiting connections for now); still needs re-authentication; no automatic retry.',
    );
  });

  it('places a failure by the mailbox\'s settings, or the provider\'s service', () => {
    const custom = { provider: 'custom' as const, smtp: { host: 'smtp.example.com', port: 587, security: 'starttls' as const, username: 'u', password: 'p' }, imap: null };
    expect(placeOf('smtp', custom)).toBe('the SMTP server smtp.example.com');
    expect(placeOf('imap', custom)).toBe('the IMAP server');
    expect(placeOf('microsoft_token', { provider: 'microsoft', smtp: null, imap: null })).toBe('Microsoft\'s sign-in service');
  });

  it('rounds the delay to what a person reads', () => {
    expect([delayText(30_000), delayText(89_000), delayText(270_000), delayText(3_600_000 * 2)]).toEqual(['30 s', '89 s', '5 min', '2 h']);
  });
});
