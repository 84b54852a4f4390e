/**
 * Alerts reach people once per incident; a delivery that fails is re-tried, not lost; without
 * NOTIFY_SMTP_URL the alert is recorded and logged.
 */
import { afterEach, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { createLogger, silentLogger } from '../../server/log/index.ts';
import { createRegrant } from '../../server/regrant.ts';
import { ownEmailRetryMs } from '../../server/retry/policy.ts';
import { customMailbox, startRegrant, type TestRegrant } from '../support/regrant.ts';
import { freePort } from '../support/ports.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** A mailbox whose SMTP password is rejected: one check opens an incident. */
async function lostMailbox(rg: TestRegrant, smtp: TestSmtp) {
  const admin = await rg.user('admin@acme.test', 'admin');
  const member = await rg.user('owner@acme.test', 'member');
  smtp.answer('lost@acme.test', 535, '5.7.8 Authentication credentials invalid');
  const account = (await (await member.post('/api/accounts', customMailbox('lost@acme.test', smtp, { port: await freePort() }, 'pw'))).json()) as AccountView;
  // It worked until now (a check passed yesterday), so its own address is told too.
  await rg.db.updateTable('accounts').set({ verified_at: new Date(Date.now() - 86_400_000).toISOString() }).where('id', '=', account.id).execute();
  await admin.post(`/api/accounts/${account.id}/check`);
  return account;
}

it('a refused delivery is re-tried later and then delivered once', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const mailboxes = await startSmtp();
  const rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}` });
  cleanup.push(() => notify.stop(), () => mailboxes.stop(), () => rg.destroy());

  notify.refuseMessages({ code: 451, text: '4.3.0 Mail server temporarily rejected message' });
  const account = await lostMailbox(rg, mailboxes);
  await rg.notifier.kick();
  // One email per person, composed from the mailbox's alert items.
  const items = await rg.db.selectFrom('mail_queue').select(['recipient', 'state']).where('account_id', '=', account.id).orderBy('recipient').execute();
  expect(items).toEqual(['admin@acme.test', 'lost@acme.test', 'owner@acme.test'].map((recipient) => ({ recipient, state: 'merged' })));
  const pending = await rg.db.selectFrom('mail_queue').selectAll().where('digest', '=', 'group').execute();
  expect(pending).toHaveLength(3);
  for (const alert of pending) {
    expect(alert.state).toBe('pending');
    expect(alert.attempts).toBe(1);
    expect(alert.last_error).toMatch(/451|temporarily/);
    expect(Date.parse(alert.next_attempt_at)).toBeGreaterThan(Date.now() + ownEmailRetryMs(1) - 5000);
  }
  expect(notify.received).toHaveLength(0);

  // Not due yet: nothing happens.
  notify.refuseMessages(null);
  await rg.notifier.dispatchDue();
  expect(notify.received).toHaveLength(0);

  // Time passes.
  await rg.db.updateTable('mail_queue').set({ next_attempt_at: new Date(Date.now() - 1).toISOString() }).execute();
  await rg.notifier.dispatchDue();
  await rg.notifier.dispatchDue();
  expect(notify.received.map((m) => m.to[0]).sort()).toEqual(['admin@acme.test', 'lost@acme.test', 'owner@acme.test']);
  const sent = await rg.db.selectFrom('mail_queue').select(['state', 'attempts']).where('digest', '=', 'group').execute();
  expect(sent.every((a) => a.state === 'sent' && a.attempts === 2)).toBe(true);
});

it('two server processes on one database deliver each alert once', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const mailboxes = await startSmtp();
  const rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}` });
  const other = await createRegrant(rg.config, { logger: silentLogger });
  cleanup.push(() => notify.stop(), () => mailboxes.stop(), () => rg.destroy(), () => other.close());
  await lostMailbox(rg, mailboxes);
  // kick() waits for the delivery the check started; dispatchDue() claims what is left.
  await Promise.all([rg.notifier.kick(), other.notifier.dispatchDue(), rg.notifier.dispatchDue()]);
  expect(notify.received.map((m) => m.to[0]).sort()).toEqual(['admin@acme.test', 'lost@acme.test', 'owner@acme.test']);
});

it('without NOTIFY_SMTP_URL the alert is recorded and logged, not sent', async () => {
  const mailboxes = await startSmtp();
  const lines: string[] = [];
  const rg = await startRegrant({}, { logger: createLogger((l) => lines.push(l)) });
  cleanup.push(() => mailboxes.stop(), () => rg.destroy());

  const account = await lostMailbox(rg, mailboxes);
  await rg.notifier.kick();
  const alerts = await rg.db.selectFrom('mail_queue').selectAll().where('digest', '=', 'group').execute();
  expect(alerts.map((a) => [a.recipient, a.state]).sort()).toEqual([
    ['admin@acme.test', 'logged'],
    ['lost@acme.test', 'logged'],
    ['owner@acme.test', 'logged'],
  ]);
  const logged = lines.filter((l) => l.includes('alert.logged')).map((l) => JSON.parse(l));
  expect(logged).toHaveLength(3);
  expect(logged[0].subject).toBe('Regrant: lost@acme.test needs re-authentication');
});

it('the mailbox owned by an admin gets one email per address, not two', async () => {
  const notify = await startSmtp({}, { authOptional: true });
  const mailboxes = await startSmtp();
  const rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}` });
  cleanup.push(() => notify.stop(), () => mailboxes.stop(), () => rg.destroy());
  const admin = await rg.user('solo@acme.test', 'admin');
  mailboxes.answer('solo@acme.test', 535, '5.7.8 Authentication credentials invalid');
  // The admin owns the mailbox, and the mailbox is the admin's own address.
  const account = (await (await admin.post('/api/accounts', customMailbox('solo@acme.test', mailboxes, { port: await freePort() }, 'pw'))).json()) as AccountView;
  await admin.post(`/api/accounts/${account.id}/check`);
  await rg.notifier.kick();
  expect(notify.received.map((m) => m.to[0])).toEqual(['solo@acme.test']);
});
