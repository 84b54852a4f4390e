/**
 * Regrant emails only addresses that proved themselves, and a member cannot make it email
 * without bound: an alert goes to a mailbox's own address only once the mailbox passed a check
 * (or came by OAuth); past ALERTS_PER_MEMBER_PER_HOUR emails about a member's mailboxes in an
 * hour, only admins are told; a member owns at most MAX_MAILBOXES_PER_MEMBER mailboxes (429).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody } from '../../shared/api.ts';
import { ConfigError, loadConfig } from '../../server/config/index.ts';
import { ALERTS_PER_MEMBER_PER_HOUR } from '../../server/notify/recipients.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let sam: Client;

beforeAll(async () => {
  imap = await startDovecot({ 'team@acme.test': 'pw', 'busy@acme.test': 'pw' });
  smtp = await startSmtp({ 'team@acme.test': 'pw', 'busy@acme.test': 'pw' });
  rg = await startRegrant({ MAX_MAILBOXES_PER_MEMBER: '4' });
  admin = await rg.user('admin@acme.test', 'admin');
  sam = await rg.user('sam@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

const add = async (client: Client, email: string) => (await (await client.post('/api/accounts', customMailbox(email, smtp, imap, 'pw'))).json()) as AccountView;
const check = async (id: string) => (await (await admin.post(`/api/accounts/${id}/check`)).json()) as AccountView;
const alertedFor = async (id: string) => (await rg.db.selectFrom('mail_queue').select('recipient').where('account_id', '=', id).orderBy('recipient').execute()).map((m) => m.recipient);
const verifiedAt = async (id: string) => (await rg.db.selectFrom('accounts').select('verified_at').where('id', '=', id).executeTakeFirstOrThrow()).verified_at;

describe('alerts reach a mailbox only once it proved itself', () => {
  it('a mailbox that never passed a check: its lost access alerts the admin and the owner, never its address', async () => {
    smtp.answer('ceo@victim-corp.test', 535, '5.7.8 Authentication credentials invalid');
    const stranger = await add(sam, 'ceo@victim-corp.test');
    expect((await check(stranger.id)).state).toBe('needs_reauth');
    expect(await verifiedAt(stranger.id)).toBeNull();
    expect(await alertedFor(stranger.id)).toEqual(['admin@acme.test', 'sam@acme.test']);
  });

  it('a mailbox that passed a check is told itself when it later loses access', async () => {
    const team = await add(sam, 'team@acme.test');
    expect((await check(team.id)).state).toBe('connected');
    expect(await verifiedAt(team.id)).not.toBeNull();
    smtp.answer('team@acme.test', 535, '5.7.8 Authentication credentials invalid');
    expect((await check(team.id)).state).toBe('needs_reauth');
    expect(await alertedFor(team.id)).toEqual(['admin@acme.test', 'sam@acme.test', 'team@acme.test']);
  });

  it(`past ${ALERTS_PER_MEMBER_PER_HOUR} emails about a member's mailboxes in an hour, only admins are emailed`, async () => {
    const busy = await add(sam, 'busy@acme.test');
    expect((await check(busy.id)).state).toBe('connected');
    // The hour so far holds the alerts above (grouped: one email per person) and these earlier
    // notices, which alone leave room for one more email.
    const earlier = ALERTS_PER_MEMBER_PER_HOUR - 1;
    await rg.db.transaction().execute(async (trx) => {
      for (let i = 0; i < earlier; i++) await rg.notifier.record(trx, { accountId: busy.id, eventId: `evt_earlier_${i}`, recipients: ['sam@acme.test'], subject: 'Earlier', text: 'An earlier alert' });
    });
    smtp.answer('busy@acme.test', 535, '5.7.8 Authentication credentials invalid');
    expect((await check(busy.id)).state).toBe('needs_reauth');
    const latest = await rg.db.selectFrom('mail_queue').select('recipient').where('account_id', '=', busy.id).where('subject', '!=', 'Earlier').execute();
    expect(latest.map((m) => m.recipient)).toEqual(['admin@acme.test']);
  });
});

describe('MAX_MAILBOXES_PER_MEMBER', () => {
  it('a member past the limit gets 429 with what to do (and no Retry-After: waiting does not help); admins have no limit, and cannot give one more', async () => {
    // sam owns 3 (above); the limit is 4.
    expect((await sam.post('/api/accounts', customMailbox('fourth@acme.test', smtp, imap, 'pw'))).status).toBe(201);
    const refused = await sam.post('/api/accounts', customMailbox('fifth@acme.test', smtp, imap, 'pw'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(((await refused.json()) as ApiErrorBody).error).toEqual({
      code: 'mailbox_limit',
      message: 'sam@acme.test has 4 mailboxes in Regrant, the most a member may have (MAX_MAILBOXES_PER_MEMBER is 4). Remove one first, or ask an administrator.',
    });
    const adminsOwn = await add(admin, 'admins.own@acme.test');
    for (const email of ['a2@acme.test', 'a3@acme.test', 'a4@acme.test', 'a5@acme.test']) expect((await admin.post('/api/accounts', customMailbox(email, smtp, imap, 'pw'))).status).toBe(201);
    const given = await admin.patch(`/api/accounts/${adminsOwn.id}`, { owner: 'sam@acme.test' });
    expect(given.status).toBe(429);
    expect(((await given.json()) as ApiErrorBody).error.code).toBe('mailbox_limit');
    const created = await admin.post('/api/accounts', { ...customMailbox('for.sam@acme.test', smtp, imap, 'pw'), owner: 'sam@acme.test' });
    expect(created.status).toBe(429);
    expect(await rg.db.selectFrom('accounts').select('email').where('email', 'in', ['fifth@acme.test', 'for.sam@acme.test']).execute()).toEqual([]);
  });

  it('the setting is 500 by default and must be a whole number', () => {
    expect(loadConfig({}).maxMailboxesPerMember).toBe(500);
    expect(() => loadConfig({ MAX_MAILBOXES_PER_MEMBER: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_MAILBOXES_PER_MEMBER: 'lots' })).toThrow(/MAX_MAILBOXES_PER_MEMBER/);
  });
});
