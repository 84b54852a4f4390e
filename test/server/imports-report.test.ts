/**
 * The import report reaches its importer even when the mail server is down when the run
 * ends: it waits, is re-tried, and is sent once; the run itself is not held up by it.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImportUpload, ImportView } from '../../shared/api.ts';
import { eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let notify: TestSmtp;
let rg: TestRegrant;
let ann: Client;

beforeAll(async () => {
  notify = await startSmtp({}, { authOptional: true });
  rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}`, WORKSPACE_NAME: 'Acme' });
  ann = await rg.user('ann@acme.test', 'member');
});
afterAll(async () => {
  await rg?.destroy();
  await notify?.stop();
});

it('a report the mail server refuses is re-tried and sent once', async () => {
  notify.refuseMessages({ code: 451, text: '4.3.0 Try again later' });
  const file = 'email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port\nnot-an-address,h,1,u,p,h,1\nann2@acme.test,h,x,u,p,h,1\n';
  const up = (await (await ann.request('POST', '/api/imports', file, { 'content-type': 'text/csv' })).json()) as ImportUpload;
  expect((await ann.post(`/api/imports/${up.id}/run`, { mapping: up.suggestedMapping })).status).toBe(202);
  const view = (await eventually(async () => {
    const v = (await (await ann.get(`/api/imports/${up.id}`)).json()) as ImportView;
    return v.state === 'finished' && v.report?.state === 'pending' && v;
  })) as ImportView;
  expect(view.counts).toEqual({ created: 0, updated: 0, skipped: 0, failed: 2 });
  const report = rg.db.selectFrom('mail_queue').where('import_id', '=', up.id).where('kind', '=', 'import_report');
  const waiting = await eventually(() => report.select(['last_error', 'attempts', 'next_attempt_at']).where('attempts', '=', 1).executeTakeFirst());
  expect(waiting.last_error).toMatch(/451/);
  expect(Date.parse(waiting.next_attempt_at)).toBeGreaterThan(Date.now() + 20_000); // back-off: 30 s

  notify.refuseMessages(null);
  await rg.db.updateTable('mail_queue').set({ next_attempt_at: new Date().toISOString() }).where('import_id', '=', up.id).execute();
  rg.notifier.start();
  await eventually(async () => ((await (await ann.get(`/api/imports/${up.id}`)).json()) as ImportView).report?.state === 'sent', 15_000);
  const sent = notify.received.filter((m) => m.to.includes('ann@acme.test'));
  expect(sent).toHaveLength(1);
  expect(sent[0].subject).toBe('Acme: import finished: 0 of 2 mailboxes created or updated, 2 failed');
  const parsed = await simpleParser(sent[0].raw);
  expect(parsed.attachments[0].content.toString()).toContain('3,ann2@acme.test,failed,,invalid_port,');
}, 30_000);
