/**
 * SIGNIN_DOMAINS, MICROSOFT_SIGNIN_TENANTS and EXTENSION_IDS: who may sign in without an
 * invitation, whose Microsoft `email` claim is trusted for a first match, and which extensions
 * a sign-in may return to.
 *
 * @example signinConfig({ SIGNIN_DOMAINS: 'acme.test' }).domains // ['acme.test']
 */
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../shared/extension-ids.ts';
import { ConfigError } from './index.ts';

export interface SigninConfig {
  /** Domains whose verified addresses join as members; empty: only users and invited people. */
  domains: string[];
  /** Microsoft tenant ids whose `email` claim may match a user's address at a first sign-in. */
  microsoftTenants: string[];
  /** Extension ids (Chrome ids, Firefox add-on ids) whose redirect URLs a sign-in returns to. */
  extensionIds: string[];
}

/**
 * Mail services where anyone can get an address: a domain rule for them would let the world
 * in. Not complete (no list is), but the ones people type.
 */
export const PUBLIC_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de', 'gmx.net',
  'web.de', 'mail.com', 'yandex.com', 'yandex.ru', 'zoho.com', 'fastmail.com', 'tutanota.com', 'hey.com', 'qq.com', '163.com',
]);

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A Chrome id, or a Firefox add-on id (an email-like id or a {GUID}). */
const EXTENSION_ID = /^([a-p]{32}|[a-z0-9._+-]*@[a-z0-9.-]+|\{[0-9a-f-]{36}\})$/i;

const list = (raw: string | undefined) => (raw ?? '').split(',').map((v) => v.trim()).filter(Boolean);

export function signinConfig(env: Record<string, string | undefined>): SigninConfig {
  const domains = list(env.SIGNIN_DOMAINS).map((d) => d.toLowerCase());
  for (const d of domains) {
    if (!DOMAIN.test(d)) throw new ConfigError('SIGNIN_DOMAINS', `must be domains separated by commas, such as acme.com (got "${d}")`);
    if (PUBLIC_MAIL_DOMAINS.has(d)) throw new ConfigError('SIGNIN_DOMAINS', `must not name ${d}: anyone can get an address there, so anyone could sign in. Invite those people instead`);
  }
  const microsoftTenants = list(env.MICROSOFT_SIGNIN_TENANTS).map((t) => t.toLowerCase());
  for (const t of microsoftTenants) {
    if (!GUID.test(t)) throw new ConfigError('MICROSOFT_SIGNIN_TENANTS', `must be tenant ids (GUIDs, the "tid" of your directory) separated by commas (got "${t}")`);
  }
  const extensionIds = list(env.EXTENSION_IDS);
  for (const id of extensionIds) {
    if (!EXTENSION_ID.test(id)) throw new ConfigError('EXTENSION_IDS', `must be extension ids separated by commas: 32 letters a-p (Chrome) or a Firefox add-on id (got "${id}")`);
  }
  return { domains, microsoftTenants, extensionIds: extensionIds.length ? extensionIds : [CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID] };
}
