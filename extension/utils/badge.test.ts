import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../shared/api.ts';
import { BADGE_GREY, BADGE_RED, SERVER_DEGRADED, badgeFor } from './badge.ts';
import type { PollState } from './poll.ts';

function state(counts: Partial<StatusResponse['counts']>, problem: PollState['problem'] = null): PollState {
  return {
    source: 'x',
    etag: '"1"',
    checkedAt: '2026-11-28T10:00:00.000Z',
    problem,
    status: { counts: { total: 3, connected: 3, needsReauth: 0, unreachable: 0, ...counts }, accounts: [] },
  };
}

describe('the toolbar badge', () => {
  it('shows nothing when every mailbox can send', () => {
    expect(badgeFor(state({}))).toMatchObject({ text: '', title: 'Regrant: no mailbox needs re-authentication (3 mailboxes)' });
  });

  it('shows the count in white on red when mailboxes need re-authentication', () => {
    expect(badgeFor(state({ needsReauth: 1, connected: 2 }))).toEqual({ text: '1', background: BADGE_RED, title: 'Regrant: 1 mailbox needs re-authentication' });
    expect(badgeFor(state({ needsReauth: 7, total: 9 }))).toMatchObject({ text: '7', title: 'Regrant: 7 mailboxes need re-authentication' });
    expect(badgeFor(state({ needsReauth: 250, total: 300 })).text).toBe('99+');
  });

  it('shows a grey mark, never "all good", when the state cannot be known', () => {
    const down = badgeFor(state({}, { code: 'unreachable', message: 'Cannot reach http://x.' }));
    expect(down).toEqual({ text: '?', background: BADGE_GREY, title: 'Regrant: state unknown. Cannot reach http://x.' });
    expect(badgeFor(state({ needsReauth: 2 }, { code: 'token_rejected', message: 'rejected' })).text).toBe('?');
    expect(badgeFor(null)).toMatchObject({ text: '?', background: BADGE_GREY });
  });

  it('mentions unreachable mailboxes without turning red', () => {
    expect(badgeFor(state({ unreachable: 1, connected: 2 }))).toMatchObject({ text: '', title: 'Regrant: no mailbox needs re-authentication (3 mailboxes; 1 unreachable for now)' });
  });

  it('says so in the tooltip when the server reports itself degraded, with or without red mailboxes', () => {
    const degraded = (counts: Partial<StatusResponse['counts']>): PollState => {
      const s = state(counts);
      return { ...s, status: { ...s.status!, serverDegraded: true } };
    };
    expect(badgeFor(degraded({}))).toMatchObject({ text: '', title: `Regrant: no mailbox needs re-authentication (3 mailboxes). ${SERVER_DEGRADED}` });
    expect(badgeFor(degraded({ needsReauth: 1 }))).toMatchObject({ text: '1', title: `Regrant: 1 mailbox needs re-authentication. ${SERVER_DEGRADED}` });
    expect(badgeFor(state({})).title).not.toContain(SERVER_DEGRADED);
  });
});
