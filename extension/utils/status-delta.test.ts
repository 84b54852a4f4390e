import { describe, expect, it } from 'vitest';
import type { StatusDelta } from '../../shared/api.ts';
import { account, statusOf } from '../../test/extension/fixtures.ts';
import { applyStatusDelta, isStatusDelta } from './status-delta.ts';

const counts = (total: number) => ({ total, connected: 0, needsReauth: 0, unreachable: 0 });

describe('applying a status delta to the kept list', () => {
  const kept = { ...statusOf(['b', 'd', 'f'].map((x) => account(`${x}@acme.test`, 'connected'))), version: 5 };

  it('replaces changed mailboxes in place, adds new ones in address order, drops removed ones', () => {
    const changedD = { ...kept.accounts[1], state: 'needs_reauth' as const };
    const delta: StatusDelta = { version: 8, counts: counts(3), changed: [account('a@acme.test', 'new'), changedD, account('e@acme.test', 'new')], removed: ['acc_f'] };
    const next = applyStatusDelta(kept, delta);
    expect(next.accounts.map((a) => [a.email, a.state])).toEqual([
      ['a@acme.test', 'new'],
      ['b@acme.test', 'connected'],
      ['d@acme.test', 'needs_reauth'],
      ['e@acme.test', 'new'],
    ]);
    expect(next.version).toBe(8);
    expect(next.counts).toEqual(counts(3));
    expect(kept.accounts).toHaveLength(3); // the kept list itself is left alone
  });

  it('an empty delta keeps the list and takes the version and counts', () => {
    const next = applyStatusDelta(kept, { version: 6, counts: counts(3), changed: [], removed: [] });
    expect(next.accounts).toEqual(kept.accounts);
    expect(next.version).toBe(6);
  });

  it("takes the server's word on its own health, on and off, changed mailboxes or not", () => {
    const degraded = applyStatusDelta(kept, { version: 7, counts: counts(3), changed: [], removed: [], serverDegraded: true });
    expect(degraded.serverDegraded).toBe(true);
    const fine = applyStatusDelta(degraded, { version: 8, counts: counts(3), changed: [{ ...kept.accounts[0] }], removed: [], serverDegraded: false });
    expect(fine.serverDegraded).toBe(false);
  });

  it('takes every cause and the refusal of its own emails whole from each delta, since counts move with mailboxes it leaves out', () => {
    const cause = { id: 'grant_revoked:provider:google', code: 'grant_revoked', message: 'Google ended the grant for 3 mailboxes', count: 3, audience: 'holder' as const, hint: null };
    const told = applyStatusDelta(kept, { version: 7, counts: counts(3), changed: [], removed: [], causes: [cause], ownEmailsRefused: { replyCode: '535' } });
    expect(told.causes).toEqual([cause]);
    expect(told.ownEmailsRefused).toEqual({ replyCode: '535' });
    const gone = applyStatusDelta(told, { version: 8, counts: counts(3), changed: [{ ...kept.accounts[0] }], removed: [] });
    expect(gone.causes).toBeUndefined();
    expect(gone.ownEmailsRefused).toBeUndefined();
  });

  it('a removal of a mailbox never seen changes nothing else', () => {
    expect(applyStatusDelta(kept, { version: 6, counts: counts(3), changed: [], removed: ['acc_zzz'] }).accounts).toEqual(kept.accounts);
  });

  it('tells a delta from a full list', () => {
    expect(isStatusDelta({ version: 1, counts: counts(0), changed: [], removed: [] })).toBe(true);
    expect(isStatusDelta(kept)).toBe(false);
  });
});
