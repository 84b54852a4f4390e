import { describe, expect, it } from 'vitest';
import { namedCauses, type BrokenMailbox } from './causes.ts';

const mailbox = (n: number, over: Partial<BrokenMailbox> = {}): BrokenMailbox => ({
  id: `acc_${n}`,
  email: `m${n}@acme.test`,
  provider: 'custom',
  code: 'smtp_auth_disabled',
  message: 'Authenticated SMTP is turned off for this mailbox or its organisation.',
  hint: 'An administrator must enable SMTP AUTH.',
  smtpHost: 'smtp.office365.com',
  imapHost: 'outlook.office365.com',
  ...over,
});

describe('namedCauses', () => {
  it('30 mailboxes of one tenant whose host refuses SMTP AUTH are one cause, said with its host, count and domain', () => {
    const causes = namedCauses(Array.from({ length: 30 }, (_, i) => mailbox(i)));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ id: 'smtp_auth_disabled:host:smtp.office365.com', code: 'smtp_auth_disabled', count: 30 });
    expect(causes[0].message).toBe('smtp.office365.com refuses SMTP AUTH for 30 mailboxes of acme.test: an administrator turned Authenticated SMTP off for the organisation');
    expect(causes[0].members).toHaveLength(30);
  });

  it('two mailboxes sharing a reason are no cause; three are', () => {
    expect(namedCauses([mailbox(1), mailbox(2)])).toEqual([]);
    expect(namedCauses([mailbox(1), mailbox(2), mailbox(3)])[0].count).toBe(3);
  });

  it('different reasons on one host are not one cause; one provider shares across domains', () => {
    const mixed = [mailbox(1), mailbox(2), mailbox(3, { code: 'smtp_auth_failed' })];
    expect(namedCauses(mixed)).toEqual([]);
    const google = [1, 2, 3, 4].map((n) => mailbox(n, { provider: 'google', code: 'grant_revoked', email: `u${n}@d${n}.test`, smtpHost: null, imapHost: null }));
    const [cause] = namedCauses(google);
    expect(cause.id).toBe('grant_revoked:provider:google');
    expect(cause.message).toBe('Google ended the grant for 4 mailboxes: the access was revoked or expired');
  });

  it('a mailbox is counted in one cause only, the larger first', () => {
    const hostA = [1, 2, 3, 4].map((n) => mailbox(n));
    const otherHostSameDomain = [5, 6].map((n) => mailbox(n, { smtpHost: 'mail.acme.test' }));
    const causes = namedCauses([...hostA, ...otherHostSameDomain]);
    // The domain covers all six; the host only four: the larger cause names them.
    expect(causes.map((c) => [c.id, c.count])).toEqual([['smtp_auth_disabled:domain:acme.test', 6]]);
  });
});
