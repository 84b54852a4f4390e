/**
 * One alert per cause (issue 23), with real smtp-server and Dovecot and a clock the test moves:
 * 30 mailboxes of one tenant lose SMTP AUTH within a minute → each admin and the owner get one
 * email naming the cause and all 30, each mailbox one; more losses two minutes later make one
 * more email per person, not one per mailbox; a reminder follows while something stays broken,
 * and none when nothing is; hostile text from a mail server shows as text in the HTML part,
 * which holds the same facts as the text part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { statusResponseSchema } from '../../shared/responses.ts';
import { alertMails, perRecipient } from '../support/alert-mail.ts';
import { movableClock } from '../support/clock.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const TENANT_OFF = '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.';
const addresses = Array.from({ length: 38 }, (_, i) => `m${String(i + 1).padStart(2, '0')}@acme.test`);
const first30 = addresses.slice(0, 30);
const next5 = addresses.slice(30, 35);
const hostile = addresses[35];
const [stays, fixedSoon] = addresses.slice(36);

let imap: Dovecot;
let smtp: TestSmtp;
let notify: TestSmtp;
let rg: TestRegrant;
let admin: Client;
let sam: Client;
const clock = movableClock();
const ids = new Map<string, string>();

beforeAll(async () => {
  const users = Object.fromEntries(addresses.map((a) => [a, 'pw']));
  imap = await startDovecot(users);
  smtp = await startSmtp(users);
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, ALERT_GROUP_WAIT_SECONDS: '60', ALERT_GROUP_INTERVAL_SECONDS: '300', ALERT_REMINDER_HOURS: '24', ALERT_TIMEZONE: 'Europe/Berlin', WORKSPACE_NAME: 'Acme' }, { clock: clock.now });
  admin = await rg.user('ann@acme.test', 'admin');
  await rg.user('bob@acme.test', 'admin');
  sam = await rg.user('sam@acme.test', 'member');
  for (const email of addresses) {
    const account = (await (await sam.post('/api/accounts', customMailbox(email, smtp, imap, 'pw'))).json()) as AccountView;
    ids.set(email, account.id);
    // Connected: it proved itself, so it is told about itself later.
    expect(((await (await admin.post(`/api/accounts/${account.id}/check`)).json()) as AccountView).state).toBe('connected');
  }
}, 120_000);
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop(), notify?.stop()]);
});

async function loseSmtpAuth(emails: string[]) {
  for (const email of emails) {
    smtp.answer(email, 535, TENANT_OFF);
    const after = (await (await admin.post(`/api/accounts/${ids.get(email)}/check`)).json()) as AccountView;
    expect(after.reason?.code).toBe('smtp_auth_disabled');
  }
}

/** Composes what is due at the clock's time and delivers it. */
const deliver = () => rg.notifier.kick();

describe('a broad outage is one email per person that names the cause', () => {
  it('30 mailboxes lose SMTP AUTH within a minute: nothing before the group wait, then one email per admin, the owner and each mailbox', async () => {
    await loseSmtpAuth(first30);
    await deliver();
    expect(notify.received).toHaveLength(0);
    clock.advance(30_000);
    await deliver();
    expect(notify.received).toHaveLength(0);

    clock.advance(31_000);
    await deliver();
    const counts = perRecipient(notify);
    expect(counts).toEqual(Object.fromEntries([['ann@acme.test', 1], ['bob@acme.test', 1], ['sam@acme.test', 1], ...first30.map((a) => [a, 1])]));

    const [toAnn] = await alertMails(notify, 'ann@acme.test');
    expect(toAnn.subject).toBe('Acme: 127.0.0.1 refuses SMTP AUTH for 30 mailboxes of acme.test');
    // The cause first, with its one fix and the count; then the list.
    const cause = toAnn.text.indexOf('127.0.0.1 refuses SMTP AUTH for 30 mailboxes of acme.test: an administrator turned Authenticated SMTP off for the organisation');
    expect(cause).toBeGreaterThan(-1);
    for (const email of first30) expect(toAnn.text.indexOf(`- ${email}\n`)).toBeGreaterThan(cause);
    expect(toAnn.text).toMatch(/How to fix it: An administrator must enable SMTP AUTH/);
    expect(toAnn.text).toContain('Re-granting or a new password will not help: an administrator of the organisation has to act.');
    // Times in ALERT_TIMEZONE, and how long ago.
    expect(toAnn.text).toMatch(/Since: \d{4}-\d\d-\d\d \d\d:\d\d CET \(1 minute ago\)/);

    // The status names the cause too, for the popup and the accounts page to group by.
    const status = statusResponseSchema.parse(await (await sam.get('/api/status')).json());
    expect(status.causes).toEqual([{ id: 'smtp_auth_disabled:host:127.0.0.1', code: 'smtp_auth_disabled', message: '127.0.0.1 refuses SMTP AUTH for 30 mailboxes of acme.test: an administrator turned Authenticated SMTP off for the organisation', count: 30, audience: 'tenant', hint: expect.stringContaining('SMTP AUTH') }]);
    const broken = status.accounts.filter((a) => a.state === 'needs_reauth');
    expect(broken).toHaveLength(30);
    for (const a of broken) expect(a.cause).toMatchObject({ id: 'smtp_auth_disabled:host:127.0.0.1', count: 30 });
    expect(status.accounts.filter((a) => a.cause)).toHaveLength(30);

    // The mailbox's own email is about itself only.
    const [toMailbox] = await alertMails(notify, first30[4]);
    expect(toMailbox.subject).toBe(`Acme: ${first30[4]} needs an administrator`);
    expect(toMailbox.text).toContain(`- ${first30[4]}\n`);
    expect(toMailbox.text).not.toContain(first30[5]);
  });

  it('five more losses two minutes later wait for the group interval, then make one more email per person', async () => {
    clock.advance(120_000);
    await loseSmtpAuth(next5);
    clock.advance(61_000);
    await deliver();
    // The five mailboxes, never alerted before, hear after the group's minute; the admins and the
    // owner were alerted less than five minutes ago and wait.
    expect(Object.keys(perRecipient(notify)).filter((to) => perRecipient(notify)[to] === 2)).toEqual([]);
    expect(notify.received).toHaveLength(33 + 5);
    clock.advance(180_000);
    await deliver();
    expect(notify.received).toHaveLength(33 + 5 + 3);
    expect(perRecipient(notify)).toMatchObject({ 'ann@acme.test': 2, 'bob@acme.test': 2, 'sam@acme.test': 2, [next5[0]]: 1, [first30[0]]: 1 });
    const toSam = await alertMails(notify, 'sam@acme.test');
    expect(toSam).toHaveLength(2);
    expect(toSam[1].subject).toBe('Acme: 127.0.0.1 refuses SMTP AUTH for 5 mailboxes of acme.test');
    for (const email of next5) expect(toSam[1].text).toContain(`- ${email}\n`);
    expect(toSam[1].text).not.toContain(`- ${first30[0]}\n`);
  });

  it('a mailbox fixed before its email went out is left out, or listed as fixed beside others', async () => {
    clock.advance(301_000);
    const before = perRecipient(notify);
    for (const email of [stays, fixedSoon]) smtp.answer(email, 535, '5.7.8 Authentication credentials invalid');
    for (const email of [stays, fixedSoon]) await admin.post(`/api/accounts/${ids.get(email)}/check`);
    // Fixed within the minute, before anything went out.
    smtp.clearAnswer(fixedSoon);
    expect(((await (await admin.post(`/api/accounts/${ids.get(fixedSoon)}/check`)).json()) as AccountView).state).toBe('connected');
    clock.advance(61_000);
    await deliver();
    const after = perRecipient(notify);
    expect(after[fixedSoon] ?? 0).toBe(before[fixedSoon] ?? 0);
    expect(after[stays]).toBe(1);
    const toAnn = (await alertMails(notify, 'ann@acme.test')).at(-1)!;
    expect(toAnn.subject).toBe(`Acme: ${stays} needs re-authentication`);
    expect(toAnn.text).toContain(`MAILBOXES THAT LOST ACCESS`);
    expect(toAnn.text).toContain(`ALREADY FIXED\n\n- ${fixedSoon}\n  Reconnected before this email went out.`);
  });
});

describe('what the email says is text, the same in both parts', () => {
  it('hostile text in a server reply is shown as text in the HTML part, and both parts hold the same facts', async () => {
    clock.advance(301_000);
    const before = notify.received.length;
    smtp.answer(hostile, 535, '5.7.8 <img src=x onerror=alert(1)> <b>bad</b> & "quoted" password');
    await admin.post(`/api/accounts/${ids.get(hostile)}/check`);
    clock.advance(61_000);
    await deliver();
    const mails = (await alertMails(notify, hostile)).slice(-1);
    expect(notify.received.length).toBe(before + 4);
    const [mail] = mails;
    expect(mail.text).toContain('The server said: smtp: 535 5.7.8 <img src=x onerror=alert(1)> <b>bad</b> & "quoted" password');
    expect(mail.html).not.toMatch(/<img|<b>bad/);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;bad&lt;/b&gt; &amp; &quot;quoted&quot; password');
    // No remote images, fonts or style sheets.
    expect(mail.html).not.toMatch(/<link|@import|fonts\.googleapis|src="http/i);
    // The same facts: every line of the text part is in the HTML part, once unescaped.
    const htmlText = mail.html.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
    const facts = mail.text.split('\n').map((l) => l.replace(/^\s*(- )?/, '').trim()).filter((l) => l && !/^[A-Z ']+$/.test(l));
    for (const fact of facts) expect(htmlText).toContain(fact.replace(/\s+/g, ' '));
    // The mailbox's own email leads to its repair link, in both parts; nothing points at Regrant's bare root.
    const link = /Your link: (http:\/\/regrant\.test\/r\/r_[\w-]+)/.exec(mail.text)![1];
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toMatch(/>\s*Enter the new password\s*</);
    expect(mail.html).not.toContain('href="http://regrant.test/"');
  });
});

describe('reminders, not silence', () => {
  it('while mailboxes stay broken, one summary a day after each person\'s last alert; none when nothing is broken', async () => {
    const before = perRecipient(notify);
    clock.advance(23 * 3_600_000);
    await deliver();
    expect(perRecipient(notify)).toEqual(before);
    clock.advance(3_600_000);
    await deliver();
    const reminders = await alertMails(notify, 'ann@acme.test');
    const reminder = reminders[reminders.length - 1];
    const broken = addresses.length - 1;
    expect(reminder.subject).toBe(`Acme reminder: ${broken} problems still open`);
    expect(reminder.text).toMatch(new RegExp(`^Reminder from Acme: ${broken} mailboxes still need attention; 0 emails waiting\\.`));
    expect(reminder.text).toContain('STILL BROKEN');
    expect(reminder.text).toMatch(/CET \(1 day ago\)/);

    // Everything of sam's fixed: sam gets no reminder the next day; the admins neither.
    for (const email of addresses) smtp.clearAnswer(email);
    for (const email of addresses) await admin.post(`/api/accounts/${ids.get(email)}/check`);
    const fixed = perRecipient(notify);
    clock.advance(25 * 3_600_000);
    await deliver();
    expect(perRecipient(notify)).toEqual(fixed);
  });
});
