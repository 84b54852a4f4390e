/**
 * The fix travels with the alert (issue 24): a mailbox that loses its grant gets ONE incident
 * link, the same in the admin's, the owner's and the mailbox's own email, read here from the
 * real emails the test mail server caught. A Copy link does not touch it; it works once; any
 * reconnection (through it, a re-grant, settings saved and tested, a check) kills every link;
 * a reminder after its lifetime carries a new one. A cause only an administrator can fix gets
 * no link but the fix in words, and a custom mailbox's alert carries its repair link.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { createSealer, hashToken } from '../../server/crypto/index.ts';
import { createIncidentLinks } from '../../server/reauth/incident-links.ts';
import { alertMails, type AlertMail } from '../support/alert-mail.ts';
import { movableClock } from '../support/clock.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { customMailbox, eventually, type Client } from '../support/regrant.ts';

const GMAIL = 'sales@gmail.test';
const POLICY = 'locked@gmail.test';
const CUSTOM = 'ops@acme.test';
const ADMIN = 'boss@acme.test';
const OWNER = 'owner@acme.test';
const LINK = /http:\/\/regrant\.test\/r\/r_[\w-]{43}/g;
const clock = movableClock();
let world: OAuthWorld;
let admin: Client;
let owner: Client;
let gmail: AccountView;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, POLICY], { ALERT_REMINDER_HOURS: '24' }, { clock: clock.now, testEmailWaitMs: 300 });
  admin = await world.rg.user(ADMIN, 'admin');
  owner = await world.rg.user(OWNER, 'member');
  gmail = await world.connect(owner, 'google', GMAIL);
});
afterAll(() => world?.stop());
beforeEach(() => {
  world.notify.received.length = 0;
});

const check = async (id: string) => (await (await owner.post(`/api/accounts/${id}/check`)).json()) as AccountView;
const linksOf = (id: string) => world.rg.db.selectFrom('share_links').selectAll().where('account_id', '=', id).orderBy('created_at').orderBy('id').execute();
const linkRow = (url: string) => world.rg.db.selectFrom('share_links').selectAll().where('token_hash', '=', hashToken(url.split('/r/')[1])).executeTakeFirstOrThrow();
const page = async (url: string) => (await world.browser().open(url)).status;

/** The emails to `people` once each has one, composed and delivered now. */
async function mailsTo(people: string[]): Promise<Map<string, AlertMail>> {
  await world.rg.notifier.kick();
  return eventually(async () => {
    const mails = await alertMails(world.notify);
    const found = new Map(people.map((p) => [p, mails.filter((m) => m.to === p).at(-1)]));
    return [...found.values()].every(Boolean) && (found as Map<string, AlertMail>);
  }, 10_000);
}

/** The one share link an email carries, the same in its text and HTML parts. */
function linkIn(mail: AlertMail): string {
  const links = [...new Set(mail.text.match(LINK) ?? [])];
  expect(links).toHaveLength(1);
  expect(mail.html).toContain(`href="${links[0]}"`);
  expect(mail.text).not.toMatch(/Open Regrant/);
  expect(mail.html).not.toContain('href="http://regrant.test/"');
  return links[0];
}

/** The incident link everyone was told of, after `id` lost its grant. */
async function loseGrant(email: string, id: string): Promise<string> {
  world.google.revoke(email);
  expect((await check(id)).state).toBe('needs_reauth');
  const mails = await mailsTo([ADMIN, OWNER, email]);
  const links = [...mails.values()].map(linkIn);
  expect(new Set(links).size).toBe(1);
  return links[0];
}

async function shareLink(id: string): Promise<string> {
  const res = await owner.post(`/api/accounts/${id}/share-link`);
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

describe('a Gmail mailbox that lost its grant', () => {
  it("has one incident link, the same in the admin's, the owner's and its own email; a Copy link leaves it; it works once", async () => {
    const link = await loseGrant(GMAIL, gmail.id);
    const mails = await mailsTo([ADMIN, OWNER, GMAIL]);
    // The mailbox's holder has no Regrant login and no extension: the link is the whole fix.
    expect(mails.get(GMAIL)!.text).toContain(`How to fix it: open the link below and sign in with Google as ${GMAIL}. You need no Regrant account.`);
    expect(mails.get(GMAIL)!.text).not.toMatch(/press|Copy link|Re-grant"/);
    expect(mails.get(GMAIL)!.html).toMatch(/>\s*Reconnect your mailbox\s*</);
    expect(mails.get(ADMIN)!.text).toContain(`Open it and sign in with Google as ${GMAIL}, or send it to whoever holds the mailbox.`);
    expect(mails.get(ADMIN)!.text).toMatch(/The link works once, for this mailbox only, until \d{4}-\d\d-\d\d \d\d:\d\d UTC; it is the same in every message about this problem\./);

    // Stored as an incident link, its token sealed: no clear token in the database.
    const token = link.split('/r/')[1];
    const [stored] = await linksOf(gmail.id);
    expect(stored).toMatchObject({ kind: 'incident', token_hash: hashToken(token), created_by: null, revoked_at: null, used_at: null });
    expect(stored.token_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(await linksOf(gmail.id))).not.toContain(token);
    // Nor in the queued emails that showed it: their bodies are sealed too.
    const queued = await world.rg.db.selectFrom('mail_queue').selectAll().where('digest', 'is not', null).execute();
    expect(queued.filter((q) => q.sealed === 1).map((q) => q.recipient).sort()).toEqual([ADMIN, OWNER, GMAIL].sort());
    expect(JSON.stringify(queued)).not.toContain(token);

    // Copy link, twice: the second manual link replaces the first, the incident link stays.
    const copied = await shareLink(gmail.id);
    const copiedAgain = await shareLink(gmail.id);
    expect(await page(copied)).toBe(410);
    expect(await page(copiedAgain)).toBe(200);
    expect(await page(link)).toBe(200);
    expect((await linkRow(link)).revoked_at).toBeNull();

    // The holder presses it: reconnected. A second use is refused, and the copied link died too.
    const done = await world.browser().submit(link);
    expect(done.html).toMatch(/Reconnected/);
    expect((await check(gmail.id)).state).toBe('connected');
    const { events } = (await (await owner.get(`/api/accounts/${gmail.id}/events`)).json()) as { events: { to: string; reason?: { message: string } }[] };
    expect(events.find((e) => e.to === 'connected' && e.reason?.message.includes('share link'))?.reason?.message).toBe('Re-authenticated with Google through a share link from an alert.');
    const again = await world.browser().submit(link);
    expect(again.status).toBe(410);
    expect(again.html).toMatch(/already been used/);
    expect(await page(copiedAgain)).toBe(410);
    expect(await linkRow(link)).toMatchObject({ used_at: expect.any(String), revoked_at: null });
    expect((await linkRow(copiedAgain)).revoked_at).not.toBeNull();
  });

  it("dies when the mailbox is re-granted some other way (the owner's Re-grant)", async () => {
    const link = await loseGrant(GMAIL, gmail.id);
    expect(await page(link)).toBe(200);
    const { url } = (await (await owner.post(`/api/accounts/${gmail.id}/regrant`)).json()) as { url: string };
    expect((await world.browser().open(url)).html).toMatch(/Reconnected/);
    const dead = await world.browser().submit(link);
    expect(dead.status).toBe(410);
    expect(dead.html).toContain('This mailbox is connected');
    expect(await linkRow(link)).toMatchObject({ used_at: null, revoked_at: expect.any(String) });
  });

  it('a reminder after the link expired carries a new working link, the same for everyone; DELETE then revokes both kinds', async () => {
    const first = await loseGrant(GMAIL, gmail.id);
    // SHARE_LINK_TTL_HOURS later (lookups go by real time: the row is aged instead).
    await world.rg.db.updateTable('share_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('token_hash', '=', hashToken(first.split('/r/')[1])).execute();
    expect(await page(first)).toBe(410);
    world.notify.received.length = 0;
    clock.advance(24 * 3_600_000 + 60_000);
    const reminders = await mailsTo([ADMIN, OWNER, GMAIL]);
    for (const mail of reminders.values()) expect(mail.subject).toMatch(/reminder/);
    const renewed = [...new Set([...reminders.values()].map(linkIn))];
    expect(renewed).toHaveLength(1);
    expect(renewed[0]).not.toBe(first);
    expect(await page(renewed[0])).toBe(200);
    expect(await linkRow(renewed[0])).toMatchObject({ kind: 'incident', account_id: gmail.id });
    expect((await linksOf(gmail.id)).filter((l) => l.kind === 'incident' && !l.revoked_at && !l.used_at)).toHaveLength(1);

    const copied = await shareLink(gmail.id);
    expect((await owner.del(`/api/accounts/${gmail.id}/share-link`)).status).toBe(204);
    expect(await page(copied)).toBe(410);
    expect(await page(renewed[0])).toBe(410);

    // The next reminder does not quietly undo the DELETE: it carries no link, and none is made.
    world.notify.received.length = 0;
    clock.advance(24 * 3_600_000 + 60_000);
    const after = await mailsTo([ADMIN, OWNER, GMAIL]);
    for (const mail of after.values()) {
      expect(mail.subject).toMatch(/reminder/);
      expect(mail.text).toContain(GMAIL);
      expect(mail.text.match(LINK)).toBeNull();
    }
    expect((await linksOf(gmail.id)).filter((l) => !l.revoked_at && !l.used_at)).toEqual([]);
  });

  it('someone told of an incident who has since lost the mailbox (given to another owner) hears no more of it', async () => {
    await world.rg.user('heir@acme.test', 'member');
    expect((await admin.patch(`/api/accounts/${gmail.id}`, { owner: 'heir@acme.test' })).status).toBe(200);
    world.notify.received.length = 0;
    clock.advance(24 * 3_600_000 + 60_000);
    // The admin and the mailbox itself are still reminded; the former owner is not.
    const after = await mailsTo([ADMIN, GMAIL]);
    for (const mail of after.values()) expect(mail.text).toContain(GMAIL);
    await new Promise((r) => setTimeout(r, 500));
    await world.rg.notifier.kick();
    expect((await alertMails(world.notify)).filter((m) => m.to === OWNER && m.text.includes(GMAIL))).toEqual([]);
  });
});

describe('causes a link cannot fix, and custom mailboxes', () => {
  it('an admin-only cause: every email names the fix in words and carries no link; no link is made', async () => {
    const locked = await world.connect(owner, 'google', POLICY);
    world.notify.received.length = 0;
    world.google.fail(POLICY, 'admin_policy_enforced');
    expect((await check(locked.id)).reason?.code).toBe('admin_policy_enforced');
    const mails = await mailsTo([ADMIN, OWNER, POLICY]);
    for (const mail of mails.values()) {
      expect(mail.text).toContain('How to fix it: A Workspace admin must allow Regrant under API controls; then re-grant.');
      expect(mail.text).not.toMatch(/\/r\//);
      expect(mail.html).not.toMatch(/\/r\/r_/);
    }
    expect(await linksOf(locked.id)).toEqual([]);

    // Two messages written at the same moment (two instances) need a new link: they show the same one.
    const links = createIncidentLinks({ sealer: createSealer(randomBytes(32)), publicUrl: 'http://regrant.test', ttlHours: 72 });
    const broken = { id: locked.id, state: 'needs_reauth' as const, reason_code: 'grant_revoked', state_changed_at: new Date().toISOString() };
    const shown = await Promise.all([1, 2].map(() => world.rg.db.transaction().execute((trx) => links.current(trx, broken))));
    expect(shown[0]!.url).toMatch(LINK);
    expect(shown[1]!.url).toBe(shown[0]!.url);
    expect(await linksOf(locked.id)).toEqual([expect.objectContaining({ kind: 'incident', token_hash: hashToken(shown[0]!.url.split('/r/')[1]) })]);
  });

  it('a custom mailbox: its alert carries its repair link (an incident link of that mailbox); saving and testing new settings kills it, so does a check that finds it working', async () => {
    await Promise.all([world.imap.addUser(CUSTOM, 'pw-1'), world.smtp.setPassword(CUSTOM, 'pw-1')]);
    const custom = (await (await owner.post('/api/accounts', customMailbox(CUSTOM, world.smtp, world.imap, 'pw-1'))).json()) as AccountView;
    expect((await check(custom.id)).state).toBe('connected');
    world.notify.received.length = 0;
    await Promise.all([world.imap.setPassword(CUSTOM, 'pw-2'), world.smtp.setPassword(CUSTOM, 'pw-2')]);
    await new Promise((r) => setTimeout(r, 1100)); // Dovecot re-reads its passwd-file at most once a second
    expect((await check(custom.id)).state).toBe('needs_reauth');
    const mails = await mailsTo([ADMIN, OWNER, CUSTOM]);
    const links = [...mails.values()].map(linkIn);
    expect(new Set(links).size).toBe(1);
    expect(await linkRow(links[0])).toMatchObject({ account_id: custom.id, kind: 'incident', revoked_at: null, used_at: null });
    expect(mails.get(CUSTOM)!.text).toContain("How to fix it: open the link below and enter the mailbox's new password. You need no Regrant account.");
    expect(mails.get(OWNER)!.text).toContain(`Repair link: ${links[0]}`);

    // Fixed in the extension: new settings saved, both tests pass; the repair link is done.
    const settings = customMailbox(CUSTOM, world.smtp, world.imap, 'pw-2');
    expect((await owner.patch(`/api/accounts/${custom.id}`, { smtp: settings.smtp, imap: settings.imap })).status).toBe(200);
    expect((await linkRow(links[0])).revoked_at).toBeNull();
    expect(((await (await owner.post(`/api/accounts/${custom.id}/test-sending`)).json()) as { ok: boolean }).ok).toBe(true);
    expect(((await (await owner.post(`/api/accounts/${custom.id}/test-receiving`)).json()) as { state: string }).state).toBe('connected');
    expect((await linkRow(links[0])).revoked_at).not.toBeNull();

    // Broken by the server for a while, then a check finds it working: its link goes too.
    world.smtp.answer(CUSTOM, 535, '5.7.8 Authentication credentials invalid');
    expect((await check(custom.id)).state).toBe('needs_reauth');
    const live = (await linksOf(custom.id)).filter((l) => !l.revoked_at && !l.used_at);
    expect(live).toEqual([expect.objectContaining({ kind: 'incident' })]);
    world.smtp.clearAnswer(CUSTOM);
    expect((await check(custom.id)).state).toBe('connected');
    expect((await linksOf(custom.id)).filter((l) => !l.revoked_at && !l.used_at)).toEqual([]);
  });
});
