/**
 * The SMTP and IMAP settings of the big mail providers, found from an address's domain, so
 * that the custom form is filled in before a person looks anything up. Gmail and Outlook
 * addresses are not custom mailboxes: they are connected with their provider's sign-in.
 *
 * @example
 *   presetFor('ann@yahoo.com'); // { kind: 'settings', smtp: { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls' }, imap: … }
 *   presetFor('ann@gmail.com'); // { kind: 'oauth', provider: 'google' }
 */
import type { OAuthProviderKind, Security } from '../../shared/api.ts';

export interface ServerPreset {
  host: string;
  port: number;
  security: Security;
}

export type Preset = { kind: 'settings'; smtp: ServerPreset; imap: ServerPreset } | { kind: 'oauth'; provider: OAuthProviderKind };

const tls = (host: string, port: number): ServerPreset => ({ host, port, security: 'tls' });
const starttls = (host: string, port: number): ServerPreset => ({ host, port, security: 'starttls' });

const SETTINGS: Array<[string[], { smtp: ServerPreset; imap: ServerPreset }]> = [
  [['yahoo.com', 'ymail.com', 'rocketmail.com'], { smtp: tls('smtp.mail.yahoo.com', 465), imap: tls('imap.mail.yahoo.com', 993) }],
  [['icloud.com', 'me.com', 'mac.com'], { smtp: starttls('smtp.mail.me.com', 587), imap: tls('imap.mail.me.com', 993) }],
  [['aol.com'], { smtp: tls('smtp.aol.com', 465), imap: tls('imap.aol.com', 993) }],
  [['zoho.com', 'zohomail.com'], { smtp: tls('smtp.zoho.com', 465), imap: tls('imap.zoho.com', 993) }],
  [['fastmail.com', 'fastmail.fm'], { smtp: tls('smtp.fastmail.com', 465), imap: tls('imap.fastmail.com', 993) }],
  [['gmx.com', 'gmx.net', 'gmx.de'], { smtp: starttls('mail.gmx.com', 587), imap: tls('imap.gmx.com', 993) }],
  [['yandex.com', 'yandex.ru'], { smtp: tls('smtp.yandex.com', 465), imap: tls('imap.yandex.com', 993) }],
  [['mail.com'], { smtp: starttls('smtp.mail.com', 587), imap: tls('imap.mail.com', 993) }],
];

const OAUTH: Array<[string[], OAuthProviderKind]> = [
  [['gmail.com', 'googlemail.com'], 'google'],
  [['outlook.com', 'hotmail.com', 'live.com', 'msn.com'], 'microsoft'],
];

/** The known settings for the address's domain, null when the domain is not a known provider's. */
export function presetFor(email: string): Preset | null {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain) return null;
  const oauth = OAUTH.find(([domains]) => domains.includes(domain));
  if (oauth) return { kind: 'oauth', provider: oauth[1] };
  const found = SETTINGS.find(([domains]) => domains.includes(domain));
  return found ? { kind: 'settings', ...found[1] } : null;
}
