import { describe, expect, it } from 'vitest';
import { presetFor } from './mail-presets.ts';

describe('presetFor', () => {
  it('fills the big providers\' settings from the address\'s domain, in any case', () => {
    expect(presetFor('Ann@Yahoo.com')).toEqual({ kind: 'settings', smtp: { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls' }, imap: { host: 'imap.mail.yahoo.com', port: 993, security: 'tls' } });
    expect(presetFor('bob@icloud.com')).toMatchObject({ smtp: { host: 'smtp.mail.me.com', port: 587, security: 'starttls' } });
  });

  it('sends Gmail and Outlook addresses to their sign-in instead', () => {
    expect(presetFor('ann@gmail.com')).toEqual({ kind: 'oauth', provider: 'google' });
    expect(presetFor('ann@hotmail.com')).toEqual({ kind: 'oauth', provider: 'microsoft' });
  });

  it('knows nothing of other domains, or of text that is no address yet', () => {
    expect(presetFor('ops@acme.test')).toBeNull();
    expect(presetFor('ops')).toBeNull();
  });
});
