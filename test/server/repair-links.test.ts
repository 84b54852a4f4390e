/**
 * Repair links: a custom mailbox's share link. Its holder, who changed the password on the mail
 * server, types the new one into a page that shows nothing but the address and the workspace;
 * Regrant tries it on the real servers (Dovecot, smtp-server) and saves it only when both
 * sign-ins pass, and the held emails go. Wrong passwords change nothing; past 5 on a link, or
 * 10 on a mailbox in a day, the link dies and the owner is told.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountEvent, AccountView } from '../../shared/api.ts';
import { hashToken } from '../../server/crypto/index.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { allSent, customMailbox, eventually, type Client } from '../support/regrant.ts';

const HELLO = 'hello@acme.test';
const SPLIT = 'split@acme.test';
const DESK = 'desk@acme.test';
let world: OAuthWorld;
let admin: Client;
let owner: Client;
let stranger: Client;

beforeAll(async () => {
  world = await startOAuthWorld([]);
  admin = await world.rg.user('boss@acme.test', 'admin');
  owner = await world.rg.user('owner@acme.test', 'member');
  stranger = await world.rg.user('stranger@acme.test', 'member');
}, 60_000);
afterAll(() => world?.stop());
beforeEach(async () => {
  world.notify.received.length = 0;
  // Every page request here comes from one address: /r/ allows it 30 a minute (rate-limit.test.ts proves that).
  await world.rg.db.deleteFrom('rate_limits').execute();
});

const row = (id: string) => world.rg.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const links = (id: string) => world.rg.db.selectFrom('share_links').selectAll().where('account_id', '=', id).orderBy('id').execute();
const linkOf = (url: string) => world.rg.db.selectFrom('share_links').selectAll().where('token_hash', '=', hashToken(url.split('/r/')[1])).executeTakeFirstOrThrow();
const check = async (id: string) => ((await (await owner.post(`/api/accounts/${id}/check`)).json()) as AccountView).state;
const events = async (id: string) => ((await (await owner.get(`/api/accounts/${id}/events`)).json()) as { events: AccountEvent[] }).events;

/** A connected custom mailbox of `owner` on the test servers (SMTP and IMAP may sign in as different users). */
async function addMailbox(email: string, password: string, users: { smtp: string; imap: string } = { smtp: email, imap: email }): Promise<AccountView> {
  await Promise.all([world.imap.addUser(users.imap, password), world.smtp.setPassword(users.smtp, password)]);
  const body = customMailbox(email, world.smtp, world.imap, password);
  body.smtp.username = users.smtp;
  body.imap.username = users.imap;
  const res = await owner.post('/api/accounts', body);
  expect(res.status).toBe(201);
  const account = (await res.json()) as AccountView;
  expect(await check(account.id)).toBe('connected');
  return account;
}

/** The mailbox's holder changes its password(s) on both servers; Regrant's check finds out. */
async function changePassword(id: string, users: { smtp: string; imap: string }, passwords: { smtp: string; imap: string }) {
  world.smtp.setPassword(users.smtp, passwords.smtp);
  await world.imap.setPassword(users.imap, passwords.imap); // waits until Dovecot re-reads its file
  expect(await check(id)).toBe('needs_reauth');
}

async function shareLink(client: Client, id: string): Promise<string> {
  const res = await client.post(`/api/accounts/${id}/share-link`);
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

/** The form's POST, as a browser sends it. */
const submit = (url: string, fields: Record<string, string>) =>
  world.browser().open(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

/** What a wrong try must leave as it was: the mailbox's row and every link of it. */
const snapshot = async (id: string) => ({ account: await row(id), links: await links(id) });

const disabledMails = () => world.notify.received.filter((m) => /repair link .* was disabled/.test(m.subject));

describe('a custom mailbox whose password changed', () => {
  let hello: AccountView;
  const users = { smtp: HELLO, imap: HELLO };

  beforeAll(async () => {
    hello = await addMailbox(HELLO, 'hello-1');
  }, 30_000);

  it('is repaired by its holder through the link: held emails go, the link is dead afterwards', async () => {
    await changePassword(hello.id, users, { smtp: 'hello-2', imap: 'hello-2' });
    const queued = [];
    for (const to of ['ann@example.test', 'bob@example.test']) {
      const res = await owner.post('/api/messages', { accountId: hello.id, to, subject: `Held for ${to}`, text: 'Hello' });
      expect(res.status).toBe(202);
      queued.push(((await res.json()) as { id: string }).id);
    }
    // The holder has the repair link from the alert the loss sent to the mailbox itself; the
    // admin's Copy link (a manual link) lives beside it.
    const alert = await eventually(() => world.notify.received.find((m) => m.to.includes(HELLO) && /needs|lost|broken|password/i.test(m.subject)));
    const url = alert.text.match(/http:\/\/regrant\.test\/r\/r_[A-Za-z0-9_-]{43}/)?.[0] ?? '';
    expect(url).not.toBe('');
    expect(await linkOf(url)).toMatchObject({ account_id: hello.id, kind: 'incident', created_by: null });
    await shareLink(admin, hello.id);
    expect((await links(hello.id)).map((l) => [l.kind, l.revoked_at === null && l.used_at === null])).toEqual([
      ['incident', true],
      ['manual', true],
    ]);

    // Link previews: GET shows the form and changes nothing.
    const before = await snapshot(hello.id);
    for (let i = 0; i < 2; i++) {
      const page = await world.browser().open(url);
      expect(page.status).toBe(200);
      expect(page.html).toContain(`<h1>Reconnect ${HELLO}</h1>`);
      expect(page.html).toContain('Acme');
      expect(page.html).toMatch(/<form method="post" action="\/r\/r_[^"]+">/);
      expect(page.html).toMatch(/<label for="password">New password<\/label><br>\s*<input id="password" name="password" type="password" autocomplete="current-password" required/);
      expect(page.html).not.toMatch(/<script/);
      expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    }
    expect(await snapshot(hello.id)).toEqual(before);

    // A wrong password: said so, for both servers, and nothing changes; the link stays usable.
    const wrong = await submit(url, { password: 'hello-1' });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('The server for sending email (SMTP) did not accept this password.');
    expect(wrong.html).toContain('The server for receiving email (IMAP) did not accept this password.');
    expect(wrong.html).toMatch(/aria-describedby="password-note" aria-invalid="true"/);
    expect(wrong.html).toContain('This link takes 4 more tries.');
    expect(await snapshot(hello.id)).toEqual(before);
    expect((await world.browser().open(url)).html).toContain('name="password"');

    // The right one, with fields that try to change more than the password: only the password changes.
    const done = await submit(url, { password: 'hello-2', host: '10.0.0.1', smtpHost: '10.0.0.1', username: 'someone-else', email: 'other@acme.test' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('<h1 class="ok">Reconnected</h1>');
    const after = await row(hello.id);
    expect(after).toMatchObject({ state: 'connected', email: HELLO, smtp_host: '127.0.0.1', imap_host: '127.0.0.1', smtp_username: HELLO, imap_username: HELLO, reason_code: null });
    expect(after.smtp_password).not.toContain('hello-2'); // sealed, as every saved password
    expect(after.smtp_password).not.toBe(before.account.smtp_password);
    const [latest] = await events(hello.id);
    expect(latest).toMatchObject({ from: 'needs_reauth', to: 'connected', reason: { code: 'regranted' } });
    expect(latest.reason?.message).toBe('Re-authenticated with a new password through a repair link from an alert.');
    expect((await links(hello.id)).map((l) => [l.kind, l.used_at !== null, l.revoked_at !== null])).toEqual([
      ['incident', true, false],
      ['manual', false, true],
    ]);

    // The held emails went out, through the SMTP server, with the new password.
    const sent = await allSent(owner, queued);
    expect(sent.map((m) => m.state)).toEqual(['sent', 'sent']);
    expect(world.smtp.received.filter((m) => /^Held for/.test(m.subject)).map((m) => m.to[0]).sort()).toEqual(['ann@example.test', 'bob@example.test']);
    // The owner hears of it (an alert's link has no creator to tell besides).
    const told = await eventually(() => {
      const mails = world.notify.received.filter((m) => m.subject === `Acme: ${HELLO} is connected again`);
      return mails.length >= 1 && mails;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(world.notify.received.filter((m) => m.subject === told[0].subject).map((m) => m.to[0]).sort()).toEqual(['owner@acme.test']);

    // The link is dead: used up, whatever is sent to it.
    const again = await world.browser().open(url);
    expect(again.status).toBe(410);
    expect(again.html).toContain('This mailbox is connected');
    const resent = await submit(url, { password: 'hello-2' });
    expect(resent.status).toBe(410);
    expect((await row(hello.id)).updated_at).toBe(after.updated_at);
  }, 30_000);

  it('five wrong passwords leave the link usable; the sixth try kills it and tells the owner', async () => {
    await changePassword(hello.id, users, { smtp: 'hello-3', imap: 'hello-3' });
    const url = await shareLink(owner, hello.id);
    const before = await snapshot(hello.id);
    for (let i = 1; i <= 5; i++) {
      const wrong = await submit(url, { password: `guess-${i}` });
      expect(wrong.status).toBe(422);
      expect(wrong.html).toContain('did not accept this password');
      expect(await snapshot(hello.id)).toEqual(before);
      if (i < 5) expect(wrong.html).toContain(i === 4 ? 'This link takes 1 more try.' : `This link takes ${5 - i} more tries.`);
    }
    expect(disabledMails()).toEqual([]);
    // The fifth one said the link takes no more; opening it says so too, and still changes nothing.
    const spent = await world.browser().open(url);
    expect(spent.html).toContain('5 wrong passwords were entered through this link, so it takes no more.');
    expect(spent.html).not.toContain('<form');
    expect(await snapshot(hello.id)).toEqual(before);

    // The sixth is not even tried, right password or not: the link dies and the owner is told.
    const sixth = await submit(url, { password: 'hello-3' });
    expect(sixth.status).toBe(403);
    expect(sixth.html).toContain('This link no longer works');
    expect(sixth.html).toContain("the mailbox's owner in Acme has been told");
    expect(sixth.html).not.toContain('owner@acme.test');
    const account = await row(hello.id);
    expect(account).toMatchObject({ state: 'needs_reauth', smtp_password: before.account.smtp_password, updated_at: before.account.updated_at });
    expect((await linkOf(url)).revoked_at).not.toBeNull();
    const [mail] = await eventually(() => disabledMails().length > 0 && disabledMails());
    expect(mail.to).toEqual(['owner@acme.test']);
    expect(mail.subject).toBe(`Acme: the repair link for ${HELLO} was disabled after wrong passwords`);
    expect(mail.text).toMatch(/5 wrong passwords were entered through the repair link owner@acme\.test created for hello@acme\.test/);
    expect(mail.text).toMatch(/press Copy link/);
    expect((await submit(url, { password: 'hello-3' })).status).toBe(410);
    expect(disabledMails()).toHaveLength(1);
  }, 30_000);

  it('bad input is refused with a clear page and counts nothing', async () => {
    const url = await shareLink(owner, hello.id);
    const before = await snapshot(hello.id);
    const empty = await submit(url, { password: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('<strong>Enter the password.</strong>');
    expect(empty.html).toMatch(/aria-invalid="true"/);
    const missing = await submit(url, { name: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('The form arrived without the password.');
    const json = await world.browser().open(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'hello-3' }) });
    expect(json.status).toBe(400);
    const long = await submit(url, { password: 'x'.repeat(1025) });
    expect(long.status).toBe(422);
    expect(long.html).toContain('at most 1024 characters');
    const huge = await submit(url, { password: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.html).toContain('The form sent was larger than 16 KiB');
    expect(await snapshot(hello.id)).toEqual(before);
    const tries = await world.rg.db.selectFrom('repair_tries').select('id').where('share_link_id', '=', (await linkOf(url)).id).execute();
    expect(tries).toEqual([]);
    expect((await world.browser().open(url)).html).toContain('name="password"');
  }, 30_000);

  it('share links of custom mailboxes follow the same rules: owner or admin, one live manual link, DELETE revokes', async () => {
    expect((await stranger.post(`/api/accounts/${hello.id}/share-link`)).status).toBe(404);
    const first = await shareLink(owner, hello.id);
    const second = await shareLink(admin, hello.id);
    expect((await world.browser().open(first)).status).toBe(410);
    expect((await world.browser().open(second)).status).toBe(200);
    expect((Date.parse((await linkOf(second)).expires_at) - Date.now()) / 3600_000).toBeCloseTo(72, 1);
    expect((await owner.del(`/api/accounts/${hello.id}/share-link`)).status).toBe(204);
    expect((await world.browser().open(second)).status).toBe(410);
  });
});

describe('a mailbox whose SMTP and IMAP sign in as different users', () => {
  const users = { smtp: 'split-send@acme.test', imap: 'split-read' };

  it('gets one field per side; the page shows only the address and the workspace; a wrong side is named', async () => {
    const split = await addMailbox(SPLIT, 'split-1', users);
    await changePassword(split.id, users, { smtp: 'send-2', imap: 'read-2' });
    const url = await shareLink(owner, split.id);
    const page = await world.browser().open(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain(SPLIT);
    expect(page.html).toContain('Acme');
    for (const hidden of ['split-send', 'split-read', '127.0.0.1', String(world.smtp.port), String(world.imap.port), 'owner@acme.test', 'boss@acme.test', split.id]) {
      expect(page.html).not.toContain(hidden);
    }
    expect(page.html).toMatch(/<label for="smtpPassword">Password for sending email \(SMTP\)<\/label><br>\s*<input id="smtpPassword" name="smtpPassword" type="password" autocomplete="current-password"/);
    expect(page.html).toMatch(/<label for="imapPassword">Password for receiving email \(IMAP\)<\/label><br>\s*<input id="imapPassword" name="imapPassword" type="password" autocomplete="current-password"/);
    expect(page.html).not.toContain('name="password"');

    const before = await snapshot(split.id);
    const wrong = await submit(url, { smtpPassword: 'send-2', imapPassword: 'read-1' });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('The server for receiving email (IMAP) did not accept this password.');
    expect(wrong.html).not.toContain('The server for sending email (SMTP) did not');
    expect(wrong.html).toMatch(/id="imapPassword"[^>]*aria-invalid="true" autofocus/);
    expect(wrong.html).toMatch(/id="smtpPassword"[^>]*aria-invalid="false"/);
    expect(await snapshot(split.id)).toEqual(before);

    const done = await submit(url, { smtpPassword: 'send-2', imapPassword: 'read-2' });
    expect(done.status).toBe(200);
    expect(await row(split.id)).toMatchObject({ state: 'connected', smtp_username: users.smtp, imap_username: users.imap });
    expect(await check(split.id)).toBe('connected'); // the saved passwords work on their own
  }, 30_000);
});

describe('ten wrong passwords on one mailbox in a day, across links', () => {
  it('kill the link that takes the next one, though it had only two of its own; a day later links work again', async () => {
    const desk = await addMailbox(DESK, 'desk-1');
    const users = { smtp: DESK, imap: DESK };
    await changePassword(desk.id, users, { smtp: 'desk-2', imap: 'desk-2' });
    const wrongTries = async (url: string, n: number) => {
      for (let i = 0; i < n; i++) expect((await submit(url, { password: `nope-${i}` })).status).toBe(422);
    };
    await wrongTries(await shareLink(owner, desk.id), 4);
    await wrongTries(await shareLink(owner, desk.id), 4); // the new link revoked the first
    const third = await shareLink(owner, desk.id);
    expect((await world.browser().open(third)).html).toContain('name="password"');
    await wrongTries(third, 2);
    const spent = await world.browser().open(third);
    expect(spent.html).toContain('10 wrong passwords were entered for this mailbox in the last 24 hours, so this link takes no more.');
    expect(disabledMails()).toEqual([]);

    const killed = await submit(third, { password: 'desk-2' });
    expect(killed.status).toBe(403);
    expect((await linkOf(third)).revoked_at).not.toBeNull();
    expect((await row(desk.id)).state).toBe('needs_reauth');
    const [mail] = await eventually(() => disabledMails().length > 0 && disabledMails());
    expect(mail.to).toEqual(['owner@acme.test']);
    expect(mail.text).toMatch(/10 wrong passwords were entered for desk@acme\.test in the last 24 hours/);
    expect(mail.text).toMatch(/new links for desk@acme\.test accept no password either/);

    // A new link takes no password either, until the wrong ones are a day old.
    const fourth = await shareLink(owner, desk.id);
    expect((await world.browser().open(fourth)).html).not.toContain('<form');
    await world.rg.db.updateTable('repair_tries').set({ at: new Date(Date.now() - 25 * 3600_000).toISOString() }).where('account_id', '=', desk.id).execute();
    expect((await world.browser().open(fourth)).html).toContain('name="password"');
    expect((await submit(fourth, { password: 'desk-2' })).status).toBe(200);
    expect((await row(desk.id)).state).toBe('connected');
  }, 60_000);
});

describe('wrong passwords sent all at once', () => {
  it('still reach the mail servers at most five times through one link', async () => {
    const rush = await addMailbox('rush@acme.test', 'rush-1');
    await changePassword(rush.id, { smtp: 'rush@acme.test', imap: 'rush@acme.test' }, { smtp: 'rush-2', imap: 'rush-2' });
    const url = await shareLink(owner, rush.id);
    const pages = await Promise.all(Array.from({ length: 9 }, (_, i) => submit(url, { password: `burst-${i}` })));
    expect(pages.map((p) => p.status).filter((s) => s !== 422 && s !== 403)).toEqual([]);
    const tries = await world.rg.db.selectFrom('repair_tries').select('outcome').where('account_id', '=', rush.id).execute();
    const tried = tries.filter((t) => t.outcome === 'wrong').length;
    expect(tried).toBeLessThanOrEqual(5);
    expect(tries.filter((t) => t.outcome === 'refused')).toHaveLength(9 - tried);
    expect(pages.filter((p) => p.status === 422)).toHaveLength(tried);
    expect((await linkOf(url)).revoked_at).not.toBeNull();
    await eventually(() => disabledMails().length > 0);
    expect(disabledMails()).toHaveLength(1); // one link died once: one email
  }, 30_000);
});
