/**
 * Alert groups live in the database (issue 23): a server that stops between grouping and
 * sending loses nothing, and one that stops before grouping leaves the items for the next one,
 * which sends each person's email once. And an IMAP refusal whose [ALERT] asks for a setting of
 * the account is a person's job: alerted, with the setting in words.
 */
import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { silentLogger } from '../../server/log/index.ts';
import { createRegrant, type Regrant } from '../../server/regrant.ts';
import { alertMails } from '../support/alert-mail.ts';
import { movableClock } from '../support/clock.ts';
import { freePort } from '../support/ports.ts';
import { appClient, customMailbox, startRegrant } from '../support/regrant.ts';
import { startScriptedImap } from '../support/scripted-imap.ts';
import { startSmtp } from '../support/smtp.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

it('a server stopped after grouping, and one stopped before, lose no alert and send none twice', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const mailboxes = await startSmtp();
  const clock = movableClock();
  const env = { NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, ALERT_GROUP_WAIT_SECONDS: '60', ALERT_GROUP_INTERVAL_SECONDS: '300' };
  const first = await startRegrant(env, { clock: clock.now });
  cleanup.push(() => notify.stop(), () => mailboxes.stop(), () => rmSync(first.dataDir, { recursive: true, force: true }));
  const { token } = await first.users.add({ email: 'ann@acme.test', role: 'admin' });
  const lose = async (rg: Regrant, email: string) => {
    mailboxes.answer(email, 535, '5.7.8 Authentication credentials invalid');
    const account = (await (await appClient(rg.app, token).post('/api/accounts', customMailbox(email, mailboxes, { port: await freePort() }, 'pw'))).json()) as AccountView;
    await rg.health.checkNow(account.id);
  };
  await lose(first, 'one@acme.test');
  clock.advance(61_000);
  // Grouped (the email is in the queue), then the server stops, before or while its queue sends
  // it (the kick after the commit may win the race, most often on PostgreSQL): either way the
  // next server must leave it sent exactly once.
  expect(await first.notifier.groups.composeDue()).toBe(1);
  await first.close();

  const second = await createRegrant(first.config, { logger: silentLogger, clock: clock.now });
  cleanup.push(() => second.close());
  await second.notifier.kick();
  expect(notify.received.map((m) => m.to[0])).toEqual(['ann@acme.test']);
  expect((await alertMails(notify))[0].subject).toBe('Regrant: one@acme.test needs re-authentication');

  // A loss recorded, then the server stops before grouping: the next server groups and sends it.
  await lose(second, 'two@acme.test');
  await second.close();
  cleanup.pop();
  clock.advance(301_000);
  const third = await createRegrant(first.config, { logger: silentLogger, clock: clock.now });
  cleanup.push(() => third.close());
  await third.notifier.kick();
  await third.notifier.kick();
  expect(notify.received.map((m) => m.to[0])).toEqual(['ann@acme.test', 'ann@acme.test']);
  expect((await alertMails(notify))[1].subject).toBe('Regrant: two@acme.test needs re-authentication');
});

it('an IMAP [ALERT] that asks to turn IMAP on is alerted as the holder\'s setting, in words', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const smtp = await startSmtp({ 'imapoff@acme.test': 'pw' });
  const imap = await startScriptedImap('NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)');
  const rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}` });
  cleanup.push(() => notify.stop(), () => smtp.stop(), () => imap.close(), () => rg.destroy());
  const admin = await rg.user('ann@acme.test', 'admin');
  const account = (await (await admin.post('/api/accounts', customMailbox('imapoff@acme.test', smtp, imap, 'pw'))).json()) as AccountView;
  const after = (await (await admin.post(`/api/accounts/${account.id}/check`)).json()) as AccountView;
  expect(after.state).toBe('needs_reauth');
  expect(after.reason).toMatchObject({ code: 'imap_access_off', message: 'IMAP access is turned off in the mailbox\'s settings.' });
  await rg.notifier.kick();
  const [mail] = await alertMails(notify, 'ann@acme.test');
  expect(mail.text).toContain('What happened: IMAP access is turned off in the mailbox\'s settings.');
  expect(mail.text).toContain('How to fix it: The mailbox holder must turn IMAP access on in the account\'s settings (Gmail: Settings → See all settings → Forwarding and POP/IMAP → Enable IMAP)');
  expect(mail.text).toContain('The server said: imap: ');
});
