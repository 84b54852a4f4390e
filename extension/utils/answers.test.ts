import { describe, expect, it } from 'vitest';
import { checked, checkedStatus, type Schemas } from './answers.ts';

const row = (email: string | undefined, id = email ?? 'x') => ({
  id,
  email,
  provider: 'google',
  state: 'needs_reauth',
  reason: { code: 'grant_revoked', message: 'Access was revoked.' },
  lastCheckedAt: '2026-12-04T10:00:00.000Z',
  stateChangedAt: '2026-12-04T09:00:00.000Z',
  pendingEmails: 2,
  trouble: null,
});
const counts = { total: 3, connected: 0, needsReauth: 3, unreachable: 0 };

describe('answers are checked against the shared schemas', () => {
  it('a status row without an email is left out; the others stay', async () => {
    const status = await checkedStatus({ counts, accounts: [row('a@acme.test'), row(undefined, 'acc_bad'), row('c@acme.test')] });
    expect(status?.accounts.map((a) => a.email)).toEqual(['a@acme.test', 'c@acme.test']);
    expect(status?.skipped).toBe(1);
    expect(status?.counts).toEqual(counts);
  });

  it('rows with a wrong state or a script for a provider are left out too', async () => {
    const status = await checkedStatus({ counts, accounts: [{ ...row('a@acme.test'), state: 'pwned' }, { ...row('b@acme.test'), provider: '<img src=x>' }] });
    expect(status).toMatchObject({ accounts: [], skipped: 2 });
  });

  it('an answer that is not a status at all is null', async () => {
    for (const value of [null, 'html', { counts }, { accounts: [] }, { counts: { total: -1 }, accounts: [] }]) expect(await checkedStatus(value)).toBeNull();
  });

  it('a delta is checked the same way, row by row, and only when the poll asked for one', async () => {
    const delta = { version: 9, counts, changed: [row('a@acme.test'), row(undefined, 'acc_bad')], removed: ['acc_gone', 42] };
    const fit = await checkedStatus(delta, { delta: true });
    expect(fit).toMatchObject({ version: 9, counts, changed: [{ email: 'a@acme.test' }], removed: ['acc_gone'], skipped: 1 });
    expect(await checkedStatus(delta)).toBeNull(); // a full poll answered with a delta is not a status
  });

  it('a one-time link must be a web address with its expiry', async () => {
    const link = (s: Schemas) => s.oneTimeLinkSchema;
    expect(await checked(link, { url: 'https://regrant.acme.test/r/t', expiresAt: '2026-12-04T10:00:00.000Z' })).not.toBeNull();
    expect(await checked(link, { url: 'javascript:alert(1)', expiresAt: '2026-12-04T10:00:00.000Z' })).toBeNull();
    expect(await checked(link, { url: 'https://regrant.acme.test/r/t' })).toBeNull();
  });
});
