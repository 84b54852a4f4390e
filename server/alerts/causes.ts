/**
 * Names the one cause behind many broken mailboxes: when at least CAUSE_MIN of them share a
 * reason code and a mail host, a domain or a provider, they are one cause with one fix and a
 * count ("smtp.office365.com refuses SMTP AUTH for 30 mailboxes of acme.test: …"). The most
 * specific sharing wins (host, then domain, then provider), larger groups first; a mailbox
 * belongs to one cause at most.
 *
 * @example
 *   const causes = namedCauses(broken); // [{ id: 'smtp_auth_disabled:host:smtp.office365.com', count: 30, members: [...] }]
 */
import { SIGN_IN_LABEL, type ProviderKind } from '../../shared/api.ts';

/** Fewer mailboxes than this sharing a reason are listed, not named as one cause. */
export const CAUSE_MIN = 3;

export interface BrokenMailbox {
  id: string;
  email: string;
  provider: ProviderKind;
  code: string;
  message: string;
  hint: string | null;
  smtpHost: string | null;
  imapHost: string | null;
}

export interface Cause {
  /** Stable while the sharing lasts: `code:host:smtp.office365.com`, `code:domain:acme.test`, `code:provider:google`. */
  id: string;
  code: string;
  /** The cause in one sentence, with the count. */
  message: string;
  hint: string | null;
  count: number;
  /** Ids of the mailboxes it covers. */
  members: string[];
}

type Kind = 'host' | 'domain' | 'provider';
const SPECIFICITY: Record<Kind, number> = { host: 3, domain: 2, provider: 1 };

/** How a cause is said for the codes where the plain reason reads badly after a count. */
const VERBS: Record<string, { verb: string; why: string }> = {
  smtp_auth_disabled: { verb: 'refuses SMTP AUTH', why: 'an administrator turned Authenticated SMTP off for the organisation' },
  basic_auth_retired: { verb: 'no longer accepts passwords over SMTP', why: 'the provider retired basic authentication' },
  smtp_auth_failed: { verb: 'rejects the password', why: 'the passwords were changed, or are wrong' },
  imap_auth_failed: { verb: 'rejects the password', why: 'the passwords were changed, or are wrong' },
  grant_revoked: { verb: 'ended the grant', why: 'the access was revoked or expired' },
  imap_access_off: { verb: 'has IMAP access turned off', why: 'IMAP is turned off in the accounts\' settings' },
};

/** The mail host a reason is about: SMTP reasons the SMTP host, IMAP reasons the IMAP host. */
function hostOf(m: BrokenMailbox): string | null {
  if (m.provider !== 'custom') return null;
  if (/^imap|^password_expired/.test(m.code)) return m.imapHost;
  return m.smtpHost ?? m.imapHost;
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

function keysOf(m: BrokenMailbox): { key: string; kind: Kind; value: string }[] {
  const keys: { key: string; kind: Kind; value: string }[] = [];
  const host = hostOf(m);
  if (host) keys.push({ key: `${m.code}:host:${host.toLowerCase()}`, kind: 'host', value: host.toLowerCase() });
  keys.push({ key: `${m.code}:domain:${domainOf(m.email)}`, kind: 'domain', value: domainOf(m.email) });
  keys.push({ key: `${m.code}:provider:${m.provider}`, kind: 'provider', value: m.provider });
  return keys;
}

function say(kind: Kind, value: string, members: BrokenMailbox[]): string {
  const first = members[0];
  const domains = new Set(members.map((m) => domainOf(m.email)));
  const of = domains.size === 1 ? ` of ${[...domains][0]}` : '';
  const subject = kind === 'host' ? value : kind === 'provider' && value !== 'custom' ? SIGN_IN_LABEL[value as Exclude<ProviderKind, 'custom'>] : 'The mail server';
  const words = VERBS[first.code];
  const verb = words?.verb ?? 'refuses the sign-in';
  const why = words?.why ?? first.message.replace(/\.$/, '');
  return `${subject} ${verb} for ${members.length} mailboxes${of}: ${why}`;
}

export function namedCauses(broken: BrokenMailbox[], min = CAUSE_MIN): Cause[] {
  const groups = new Map<string, { kind: Kind; value: string; members: BrokenMailbox[] }>();
  for (const m of broken) {
    for (const k of keysOf(m)) {
      const g = groups.get(k.key) ?? { kind: k.kind, value: k.value, members: [] };
      g.members.push(m);
      groups.set(k.key, g);
    }
  }
  const ranked = [...groups.entries()].filter(([, g]) => g.members.length >= min).sort(([ka, a], [kb, b]) => b.members.length - a.members.length || SPECIFICITY[b.kind] - SPECIFICITY[a.kind] || ka.localeCompare(kb));
  const taken = new Set<string>();
  const causes: Cause[] = [];
  for (const [id, g] of ranked) {
    const members = g.members.filter((m) => !taken.has(m.id));
    if (members.length < min) continue;
    for (const m of members) taken.add(m.id);
    causes.push({ id, code: members[0].code, message: say(g.kind, g.value, members), hint: members[0].hint, count: members.length, members: members.map((m) => m.id) });
  }
  return causes;
}
