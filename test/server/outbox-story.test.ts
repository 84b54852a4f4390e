/**
 * The promise "nothing is lost", on real servers (smtp-server, Dovecot): a custom mailbox
 * whose password was changed holds 20 emails without sending one and turns needs_reauth at the
 * first refused send; the replies, the out-of-office answer and the bounces that arrive
 * meanwhile wait in its inbox. Entering the new password and testing it sends all 20 at once,
 * in order, each exactly once, and catches up on the inbox, counting each mail once, even
 * after the server renumbers the inbox (new UIDVALIDITY).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountEvent, AccountView, BounceView, MessageView, ReplyView, StatusResponse } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { appendToInbox, deliveryReport, outOfOffice, plainBounce, reply, unrelated } from '../support/mail-samples.ts';
import { allSent, customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const MAILBOX = 'sales@acme.test';
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let owner: Client;
let account: AccountView;

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'first-pass' });
  smtp = await startSmtp({ [MAILBOX]: 'first-pass' });
  rg = await startRegrant();
  owner = await rg.user('owner@acme.test', 'member');
  account = (await (await owner.post('/api/accounts', customMailbox(MAILBOX, smtp, imap, 'first-pass'))).json()) as AccountView;
  expect(((await (await owner.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

const queue = async (to: string, subject: string) => {
  const res = await owner.post('/api/messages', { accountId: account.id, to, subject, text: `Hello ${to}` });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { id: string; state: string };
  expect(body.state).toBe('pending');
  return body.id;
};
const message = async (id: string) => (await (await owner.get(`/api/messages/${id}`)).json()) as MessageView;
const replies = async () => ((await (await owner.get(`/api/accounts/${account.id}/replies`)).json()) as { replies: ReplyView[] }).replies;
const bounces = async () => ((await (await owner.get(`/api/accounts/${account.id}/bounces`)).json()) as { bounces: BounceView[] }).bounces;
const status = async (etag?: string) => owner.get('/api/status', etag ? { 'if-none-match': etag } : {});

it('a changed password holds 20 emails, and the new password sends them all at once, in order, once; replies and bounces are caught up once', async () => {
  // Before the outage: three emails go out and the inbox is looked at once.
  const early = [await queue('bob@example.test', 'Early 1'), await queue('carol@example.test', 'Early 2'), await queue('nobody@example.test', 'Early 3')];
  await eventually(() => smtp.received.length === 3);
  const sentEarly = await allSent(owner, early);
  expect(await rg.inbox.kick(account.id)).toEqual({ replies: 0, bounces: 0 });

  // The holder changes the password at the mail server.
  smtp.setPassword(MAILBOX, 'second-pass');
  await imap.setPassword(MAILBOX, 'second-pass');
  const etag = (await status()).headers.get('etag')!;

  const ids: string[] = [];
  for (let i = 1; i <= 20; i++) ids.push(await queue(`lead${i}@example.test`, `Offer ${i}`));
  const lost = await eventually(async () => {
    const a = (await (await owner.get(`/api/accounts/${account.id}`)).json()) as AccountView;
    return a.state === 'needs_reauth' && a;
  });
  expect(lost.reason?.code).toBe('smtp_auth_failed');
  expect(lost.pendingEmails).toBe(20);
  await new Promise((r) => setTimeout(r, 300));
  expect(smtp.received).toHaveLength(3); // nothing was sent
  const held = await Promise.all(ids.map(message));
  expect(new Set(held.map((m) => m.state))).toEqual(new Set(['pending']));
  expect(held[0].error?.code).toBe('smtp_auth_failed');
  const [event] = ((await (await owner.get(`/api/accounts/${account.id}/events`)).json()) as { events: AccountEvent[] }).events;
  expect(event).toMatchObject({ from: 'connected', to: 'needs_reauth', reason: { code: 'smtp_auth_failed' } });
  const during = await status(etag);
  expect(during.status).toBe(200); // pendingEmails and the state changed: a new ETag
  expect(((await during.json()) as StatusResponse).accounts[0]).toMatchObject({ state: 'needs_reauth', pendingEmails: 20 });

  // Meanwhile the inbox receives 3 replies, an out-of-office answer, 2 bounces and a newsletter.
  const [bob, carol, nobody] = sentEarly;
  await appendToInbox(imap, MAILBOX, 'second-pass', [
    reply(bob.messageId, 'bob@example.test', MAILBOX),
    outOfOffice(carol.messageId, 'carol@example.test', MAILBOX),
    unrelated('news@example.test', MAILBOX),
    reply(carol.messageId, 'carol@example.test', MAILBOX, 'Back now: yes please.'),
    deliveryReport(nobody.messageId, MAILBOX, 'nobody@example.test'),
    reply(bob.messageId, 'bob@example.test', MAILBOX, 'One more thing.'),
    plainBounce(bob.messageId, MAILBOX, 'bob@example.test'),
  ]);
  expect(await rg.inbox.kick(account.id)).toBeNull(); // not scanned while it needs re-authentication
  expect(await replies()).toEqual([]);

  // The owner enters the new password and tests it.
  expect((await owner.patch(`/api/accounts/${account.id}`, { smtp: { password: 'second-pass' }, imap: { password: 'second-pass' } })).status).toBe(200);
  const asked = Date.now(); // "within a second" counts from the re-authentication request
  const checked = await owner.post(`/api/accounts/${account.id}/check`);
  expect(((await checked.json()) as AccountView).state).toBe('connected');
  await eventually(() => smtp.received.length >= 23, 10_000);
  const flushed = smtp.received.slice(3);
  expect(flushed[0].at - asked).toBeGreaterThanOrEqual(0);
  expect(flushed[0].at - asked).toBeLessThan(1000);
  expect(flushed.map((m) => m.subject)).toEqual(ids.map((_, i) => `Offer ${i + 1}`));
  const queued = await allSent(owner, ids);
  expect(flushed.map((m) => m.messageId)).toEqual(queued.map((m) => m.messageId));
  expect(new Set(flushed.map((m) => m.messageId)).size).toBe(20);
  expect(queued.every((m) => m.sentAt && m.error === null)).toBe(true);
  expect(flushed[0].to).toEqual(['lead1@example.test']);
  expect(flushed[0].from).toBe(MAILBOX);

  // The inbox caught up on what arrived during the outage.
  await eventually(async () => (await replies()).length === 4 && (await bounces()).length === 2);
  const found = await replies();
  expect(found.filter((r) => r.autoReply).map((r) => r.messageId)).toEqual([carol.id]);
  expect(found.filter((r) => !r.autoReply).map((r) => r.messageId).sort()).toEqual([bob.id, bob.id, carol.id].sort());
  const bounced = await bounces();
  expect(bounced.map((b) => [b.messageId, b.recipient, b.status]).sort()).toEqual(
    [
      [nobody.id, 'nobody@example.test', '5.1.1'],
      [bob.id, 'bob@example.test', '5.1.1'],
    ].sort(),
  );
  expect(bounced.find((b) => b.messageId === nobody.id)?.diagnostic).toMatch(/User unknown/);
  const final = (await (await status()).json()) as StatusResponse;
  expect(final.accounts[0]).toMatchObject({ state: 'connected', pendingEmails: 0 });

  // Scanning again, and after the server renumbered the inbox, counts nothing twice.
  expect(await rg.inbox.kick(account.id)).toEqual({ replies: 0, bounces: 0 });
  const position = async () => JSON.parse((await rg.db.selectFrom('inbox_positions').select('position').where('account_id', '=', account.id).executeTakeFirstOrThrow()).position);
  const before = await position();
  await imap.renumber(MAILBOX);
  expect(await rg.inbox.kick(account.id)).toEqual({ replies: 0, bounces: 0 });
  expect((await position()).uidValidity).not.toBe(before.uidValidity);
  const later = queued[19];
  await appendToInbox(imap, MAILBOX, 'second-pass', [reply(later.messageId, 'lead20@example.test', MAILBOX)]);
  expect(await rg.inbox.kick(account.id)).toEqual({ replies: 1, bounces: 0 });
  expect(await replies()).toHaveLength(5);
  expect(await bounces()).toHaveLength(2);
});
