import { describe, expect, it } from 'vitest';
import { IMPORT_FIELDS } from '../../shared/api.ts';
import { suggestMapping, templateCsv } from './fields.ts';

describe('suggestMapping', () => {
  it('recognises the headers people write', () => {
    expect(
      suggestMapping(['E-mail', 'Display Name', 'Outgoing server', 'Outgoing port', 'SMTP Encryption', 'SMTP User', 'smtp pass', 'Incoming server', 'IMAP Port', 'imapSecurity', 'IMAP User', 'IMAP Password', 'Owner email']),
    ).toEqual({
      email: 'E-mail', name: 'Display Name', smtp_host: 'Outgoing server', smtp_port: 'Outgoing port', smtp_security: 'SMTP Encryption', smtp_username: 'SMTP User', smtp_password: 'smtp pass',
      imap_host: 'Incoming server', imap_port: 'IMAP Port', imap_security: 'imapSecurity', imap_username: 'IMAP User', imap_password: 'IMAP Password', owner: 'Owner email',
    });
  });

  it('a shared Password column serves both servers; usernames default to the email column; a side-specific column wins', () => {
    expect(suggestMapping(['Email Address', 'Password', 'SMTP Host', 'SMTP Port', 'IMAP Host', 'IMAP Port', 'IMAP Password'])).toEqual({
      email: 'Email Address', smtp_password: 'Password', imap_password: 'IMAP Password', smtp_username: 'Email Address', imap_username: 'Email Address',
      smtp_host: 'SMTP Host', smtp_port: 'SMTP Port', imap_host: 'IMAP Host', imap_port: 'IMAP Port',
    });
  });

  it('"Outgoing server port" is a port; unknown headers are left out', () => {
    expect(suggestMapping(['Outgoing server port', 'Notes', 'Colour'])).toEqual({ smtp_port: 'Outgoing server port' });
  });
});

it('the template has every field, in order, and an example row', () => {
  const [head, example] = templateCsv().replace(/^\uFEFF/, '').split('\r\n');
  expect(templateCsv().startsWith('\uFEFF')).toBe(true); // Excel then reads it as UTF-8
  expect(head.split(',')).toEqual([...IMPORT_FIELDS]);
  expect(example.split(',')).toHaveLength(IMPORT_FIELDS.length);
});
