import { describe, expect, it } from 'vitest';
import type { Trouble } from '../../shared/api.ts';
import { stateText, troubleNote } from './accounts.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const TROUBLE: Trouble = { message: 'Could not reach …', tries: 1, of: 3, at: '2026-11-28T11:59:40.000Z', nextCheckAt: '2026-11-28T12:00:10.000Z' };

describe('troubleNote', () => {
  it('says how far the trouble counts and how old it is', () => {
    expect(troubleNote(TROUBLE, NOW)).toBe('1 of 3 tries, just now');
    expect(troubleNote({ ...TROUBLE, tries: 2, at: '2026-11-28T11:57:00.000Z' }, NOW)).toBe('2 of 3 tries, 3 min ago');
  });

  it('once the state no longer turns on it, says its age alone', () => {
    expect(troubleNote({ ...TROUBLE, tries: 4, of: null, at: '2026-11-28T11:50:00.000Z' }, NOW)).toBe('10 min ago');
  });
});

describe('stateText', () => {
  it('a new mailbox whose checks got no answer says so, counting the tries, not "Not checked yet"', () => {
    expect(stateText({ state: 'new', trouble: TROUBLE })).toBe('No answer yet (1 of 3 tries)');
    expect(stateText({ state: 'new', trouble: { ...TROUBLE, tries: 2 } })).toBe('No answer yet (2 of 3 tries)');
    expect(stateText({ state: 'new', trouble: null })).toBe('Not checked yet');
    expect(stateText({ state: 'connected', trouble: TROUBLE })).toBe('Connected');
  });
});
