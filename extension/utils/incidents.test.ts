import { describe, expect, it } from 'vitest';
import { newIncidents } from './incidents.ts';
import { account, statusOf } from '../../test/extension/fixtures.ts';

const red = account('amy@acme.test', 'needs_reauth', 'google', { stateChangedAt: '2026-11-28T08:00:00.000Z' });
const green = account('bob@acme.test', 'connected');

describe('incidents', () => {
  it('the first status from a server is a silent baseline', () => {
    const { fresh, announced } = newIncidents(null, 'A', statusOf([red, green]));
    expect(fresh).toEqual([]);
    expect(announced).toEqual({ source: 'A', incidents: { [red.id]: red.stateChangedAt } });
  });

  it('a mailbox entering needs_reauth later is news once', () => {
    const base = newIncidents(null, 'A', statusOf([green])).announced;
    const lost = { ...green, state: 'needs_reauth' as const, stateChangedAt: '2026-11-28T09:00:00.000Z' };
    const first = newIncidents(base, 'A', statusOf([lost]));
    expect(first.fresh.map((a) => a.email)).toEqual(['bob@acme.test']);
    expect(newIncidents(first.announced, 'A', statusOf([lost])).fresh).toEqual([]);
  });

  it('another server or token starts a new silent baseline, not a burst of old incidents', () => {
    const base = newIncidents(null, 'A', statusOf([green])).announced;
    expect(newIncidents(base, 'B', statusOf([red])).fresh).toEqual([]);
  });
});
