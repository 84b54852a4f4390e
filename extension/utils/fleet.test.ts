import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../shared/api.ts';
import { account } from '../../test/extension/fixtures.ts';
import { groupChoice, groupMailboxes, idsBetween, stateCounts } from './fleet.ts';

const GOOGLE_CAUSE = { id: 'grant_revoked:provider:google', code: 'grant_revoked', message: 'Google ended the grant for 3 mailboxes: the access was revoked or expired', count: 3 };
const HOST_CAUSE = { id: 'smtp_auth_failed:host:mail.acme.test', code: 'smtp_auth_failed', message: 'mail.acme.test rejects the password for 4 mailboxes of acme.test', count: 4 };

function fleet(): AccountStatus[] {
  return [
    ...['g1', 'g2', 'g3'].map((n) => account(`${n}@acme.test`, 'needs_reauth', 'google', { cause: GOOGLE_CAUSE })),
    ...['c1', 'c2', 'c3', 'c4'].map((n) => account(`${n}@acme.test`, 'needs_reauth', 'custom', { cause: HOST_CAUSE })),
    account('lone@acme.test', 'needs_reauth', 'custom', { reason: { code: 'imap_access_off', message: 'IMAP access is turned off.' } }),
    account('far@acme.test', 'unreachable', 'custom'),
    account('ok1@acme.test', 'connected', 'custom'),
    account('ok2@acme.test', 'connected', 'google'),
    account('fresh@acme.test', 'new', 'custom'),
  ];
}

describe('stateCounts', () => {
  it('counts every state, 0 for those no mailbox is in', () => {
    expect(stateCounts(fleet())).toEqual({ needs_reauth: 8, unreachable: 1, new: 1, connected: 2 });
    expect(stateCounts([])).toEqual({ needs_reauth: 0, unreachable: 0, new: 0, connected: 0 });
  });
});

describe('groupMailboxes', () => {
  it('groups the broken mailboxes by cause (largest first), those without one by reason, then the rest by state', () => {
    const groups = groupMailboxes(fleet());
    expect(groups.map((g) => [g.key, g.accounts.length, g.broken])).toEqual([
      [HOST_CAUSE.id, 4, true],
      [GOOGLE_CAUSE.id, 3, true],
      ['reason:needs_reauth:imap_access_off', 1, true],
      ['reason:unreachable:network', 1, true],
      ['state:new', 1, false],
      ['state:connected', 2, false],
    ]);
    expect(groups[0].label).toBe(HOST_CAUSE.message);
    expect(groups[2].label).toBe('IMAP access is turned off.');
    expect(groups[5].label).toBe('Connected');
  });

  it('keeps the order of the list within a group', () => {
    const [group] = groupMailboxes(['c3', 'c1', 'c2'].map((n) => account(`${n}@acme.test`, 'needs_reauth', 'custom', { cause: HOST_CAUSE })));
    expect(group.accounts.map((a) => a.email)).toEqual(['c3@acme.test', 'c1@acme.test', 'c2@acme.test']);
  });
});

describe('idsBetween', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('answers the range between the anchor and the target, either way round', () => {
    expect(idsBetween(order, 'b', 'd')).toEqual(['b', 'c', 'd']);
    expect(idsBetween(order, 'd', 'b')).toEqual(['b', 'c', 'd']);
  });
  it('without an anchor still shown, only the target', () => {
    expect(idsBetween(order, null, 'c')).toEqual(['c']);
    expect(idsBetween(order, 'gone', 'c')).toEqual(['c']);
  });
});

describe('groupChoice', () => {
  it('says whether none, some or all of a group are selected', () => {
    const [group] = groupMailboxes(fleet());
    const ids = group.accounts.map((a) => a.id);
    expect(groupChoice(group, new Set())).toBe('none');
    expect(groupChoice(group, new Set([ids[0], 'acc_other']))).toBe('some');
    expect(groupChoice(group, new Set(ids))).toBe('all');
  });
});
