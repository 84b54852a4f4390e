/**
 * Pending emails of Google and Microsoft mailboxes, on the fakes through the real client
 * libraries: a Gmail mailbox whose grant was revoked holds 20 emails and turns needs_reauth at
 * the first send; the re-grant sends all 20 through users.messages.send at once, in order,
 * once, and Gmail history catches up the replies and bounces that arrived meanwhile. An
 * Outlook mailbox sends over SMTP with XOAUTH2 and reads its replies over IMAP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, BounceView, MessageView, ReplyView } from '../../shared/api.ts';
import { appendToInbox, deliveryReport, outOfOffice, plainBounce, reply, unrelated } from '../support/mail-samples.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { allSent, eventually, type Client } from '../support/regrant.ts';

const GMAIL = 'mia@gmail.test';
const OUTLOOK = 'mia@contoso.test';
let world: OAuthWorld;
let mia: Client;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK]);
  mia = await world.rg.user('mia.owner@acme.test', 'member');
});
afterAll(() => world?.stop());

const queue = async (accountId: string, to: string, subject: string) => {
  const res = await mia.post('/api/messages', { accountId, to, subject, text: `Hello ${to}`, html: `<p>Hello ${to}</p>` });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
};
const message = async (id: string) => (await (await mia.get(`/api/messages/${id}`)).json()) as MessageView;
const account = async (id: string) => (await (await mia.get(`/api/accounts/${id}`)).json()) as AccountView;
const replies = async (id: string) => ((await (await mia.get(`/api/accounts/${id}/replies`)).json()) as { replies: ReplyView[] }).replies;
const bounces = async (id: string) => ((await (await mia.get(`/api/accounts/${id}/bounces`)).json()) as { bounces: BounceView[] }).bounces;
const messageIdOf = (raw: string) => /^Message-ID:\s*(\S+)/im.exec(raw)?.[1];
const subjectOf = (raw: string) => /^Subject:\s*(.*)$/im.exec(raw)?.[1]?.trim();

describe('a Gmail mailbox', () => {
  it('a revoked grant holds 20 emails; the re-grant sends them all at once, in order, once, and catches up replies and bounces once', async () => {
    const { id } = await world.connect(mia, 'google', GMAIL);
    const early = [await queue(id, 'bob@example.test', 'Early 1'), await queue(id, 'nobody@example.test', 'Early 2')];
    await eventually(() => world.google.gmail.sent(GMAIL).length === 2);
    const [bob, nobody] = await Promise.all(early.map(message));
    expect(world.google.gmail.sent(GMAIL).map((m) => messageIdOf(m.raw))).toEqual([bob.messageId, nobody.messageId]);
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 0, bounces: 0 });

    world.google.revoke(GMAIL);
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) ids.push(await queue(id, `lead${i}@example.test`, `Offer ${i}`));
    const lost = await eventually(async () => {
      const a = await account(id);
      return a.state === 'needs_reauth' && a;
    });
    expect(lost.reason?.code).toBe('grant_revoked');
    expect(lost.pendingEmails).toBe(20);
    expect(world.google.gmail.sent(GMAIL)).toHaveLength(2);
    for (const raw of [reply(bob.messageId, 'bob@example.test', GMAIL), outOfOffice(bob.messageId, 'bob@example.test', GMAIL), unrelated('news@example.test', GMAIL), reply(bob.messageId, 'bob@example.test', GMAIL, 'Also: Tuesday?'), deliveryReport(nobody.messageId, GMAIL, 'nobody@example.test'), reply(nobody.messageId, 'someone@example.test', GMAIL), plainBounce(bob.messageId, GMAIL, 'bob@example.test')]) {
      world.google.gmail.deliver(GMAIL, raw);
    }

    const { url } = (await (await mia.post(`/api/accounts/${id}/regrant`)).json()) as { url: string };
    const page = await world.browser().open(url);
    const back = Date.now();
    expect(page.html).toMatch(/Reconnected/);
    await eventually(() => world.google.gmail.sent(GMAIL).length >= 22, 10_000);
    const flushed = world.google.gmail.sent(GMAIL).slice(2);
    expect(flushed[0].at - back).toBeLessThan(1000);
    expect(flushed.map((m) => subjectOf(m.raw))).toEqual(ids.map((_, i) => `Offer ${i + 1}`));
    const queued = await allSent(mia, ids);
    expect(flushed.map((m) => messageIdOf(m.raw))).toEqual(queued.map((m) => m.messageId));
    expect(flushed[0].raw).toMatch(/^From: mia@gmail\.test/m);
    expect(flushed[0].raw).toMatch(/<p>Hello lead1@example\.test<\/p>/);

    await eventually(async () => (await replies(id)).length === 4 && (await bounces(id)).length === 2);
    const found = await replies(id);
    expect(found.filter((r) => r.autoReply).map((r) => r.messageId)).toEqual([bob.id]);
    expect(found.filter((r) => !r.autoReply).map((r) => r.messageId).sort()).toEqual([bob.id, bob.id, nobody.id].sort());
    expect((await bounces(id)).map((b) => [b.messageId, b.recipient]).sort()).toEqual([[bob.id, 'bob@example.test'], [nobody.id, 'nobody@example.test']].sort());
    expect((await account(id)).pendingEmails).toBe(0);

    // Once more, and after Gmail forgot the history (404: the inbox is listed again): nothing twice.
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 0, bounces: 0 });
    world.google.gmail.expireHistory(GMAIL);
    world.google.gmail.deliver(GMAIL, reply(queued[0].messageId, 'lead1@example.test', GMAIL));
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 1, bounces: 0 });
    expect(await replies(id)).toHaveLength(5);

    // A message listed in history but deleted for good before the scan read it is passed over.
    const gone = world.google.gmail.deliver(GMAIL, reply(queued[1].messageId, 'lead2@example.test', GMAIL));
    world.google.gmail.deliver(GMAIL, reply(queued[2].messageId, 'lead3@example.test', GMAIL));
    world.google.gmail.deleteForever(GMAIL, gone);
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 1, bounces: 0 });
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 0, bounces: 0 });
  });
});

describe('an Outlook mailbox', () => {
  it('sends over SMTP with a fresh access token and finds replies over IMAP', async () => {
    const { id } = await world.connect(mia, 'microsoft', OUTLOOK);
    const first = await queue(id, 'dan@example.test', 'Hello Dan');
    const mail = await eventually(() => world.smtp.received.find((m) => m.subject === 'Hello Dan'));
    expect(mail.user).toBe(OUTLOOK); // signed in with XOAUTH2 as the mailbox
    const [sent] = await allSent(mia, [first]);
    expect(mail.messageId).toBe(sent.messageId);
    await appendToInbox(world.imap, OUTLOOK, 'not-used-by-xoauth2', [reply(sent.messageId, 'dan@example.test', OUTLOOK)]);
    expect(await world.rg.inbox.kick(id)).toEqual({ replies: 1, bounces: 0 });

    world.microsoft.revoke(OUTLOOK);
    const held = await queue(id, 'erin@example.test', 'Hello Erin');
    await eventually(async () => (await account(id)).state === 'needs_reauth');
    expect((await message(held)).state).toBe('pending');
    expect((await account(id)).reason?.code).toBe('grant_revoked');
    await appendToInbox(world.imap, OUTLOOK, 'not-used-by-xoauth2', [deliveryReport(sent.messageId, OUTLOOK, 'dan@example.test')]);

    // The re-grant sends the held email and scans the inbox at once, sharing one token refresh
    // (the fake, like a strict Entra, kills a refresh token the moment it is rotated).
    const { url } = (await (await mia.post(`/api/accounts/${id}/regrant`)).json()) as { url: string };
    expect((await world.browser().open(url)).html).toMatch(/Reconnected/);
    await eventually(async () => (await message(held)).state === 'sent');
    await eventually(async () => (await bounces(id)).length === 1);
    expect((await account(id)).state).toBe('connected');
    expect(((await (await mia.post(`/api/accounts/${id}/check`)).json()) as AccountView).state).toBe('connected');
  });
});
