import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtp, type TestSmtp } from '../../test/support/smtp.ts';
import { migrate, type Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { silentLogger } from '../log/index.ts';
import { createMailQueue } from './mail-queue.ts';

let db: Db;
let smtp: TestSmtp;
let queue: ReturnType<typeof createMailQueue>;
const queries: string[] = [];

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }), log: (e) => void queries.push(e.query.sql) });
  await migrate(db);
  smtp = await startSmtp({}, { authOptional: true });
  queue = createMailQueue({ db, instanceId: 'ins_me', smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Regrant <regrant@acme.test>', logger: silentLogger });
});
afterAll(async () => {
  await queue?.close();
  await smtp?.stop();
  await db?.destroy();
});
beforeEach(async () => {
  await db.deleteFrom('mail_queue').execute();
  await db.deleteFrom('instances').execute();
  smtp.received.length = 0;
});

const state = async (subject: string) => (await db.selectFrom('mail_queue').select(['state', 'lease_owner', 'attempts']).where('subject', '=', subject).executeTakeFirstOrThrow());

describe('the mail queue', () => {
  it('sends an email with its attachment, once, and marks it sent', async () => {
    await queue.add(db, [{ kind: 'import_report', to: 'ann@acme.test', subject: 'Report', text: 'Done.', attachments: [{ filename: 'report.csv', contentType: 'text/csv; charset=utf-8', content: 'line,status\r\n2,created\r\n' }] }]);
    await queue.dispatchDue();
    await queue.dispatchDue();
    expect(smtp.received.map((m) => m.subject)).toEqual(['Report']);
    const parsed = await simpleParser(smtp.received[0].raw);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['report.csv', 'line,status\r\n2,created\r\n']]);
    expect(await state('Report')).toEqual({ state: 'sent', lease_owner: null, attempts: 1 });
  });

  it('queues one email per event and recipient', async () => {
    const alert = { kind: 'alert' as const, to: 'ann@acme.test', subject: 'Lost', text: 'x', eventId: 'evt_1' };
    await queue.add(db, [alert, alert, { ...alert, to: 'bob@acme.test' }]);
    expect(await db.selectFrom('mail_queue').select('recipient').orderBy('recipient').execute()).toEqual([{ recipient: 'ann@acme.test' }, { recipient: 'bob@acme.test' }]);
  });

  it('takes at once an email left sending by an instance that died, and leaves one a live instance holds', async () => {
    const now = new Date().toISOString();
    const until = new Date(Date.now() + 5 * 60_000).toISOString();
    await db.insertInto('instances').values({ id: 'ins_alive', host: null, pid: null, started_at: now, heartbeat_at: now }).execute();
    await queue.add(db, [
      { kind: 'alert', to: 'ann@acme.test', subject: 'Left by the dead', text: 'x' },
      { kind: 'alert', to: 'ann@acme.test', subject: 'Held by the living', text: 'x' },
    ]);
    await db.updateTable('mail_queue').set({ state: 'sending', lease_owner: 'ins_dead', lease_until: until }).where('subject', '=', 'Left by the dead').execute();
    await db.updateTable('mail_queue').set({ state: 'sending', lease_owner: 'ins_alive', lease_until: until }).where('subject', '=', 'Held by the living').execute();
    await queue.dispatchDue();
    expect(smtp.received.map((m) => m.subject)).toEqual(['Left by the dead']);
    expect(await state('Held by the living')).toMatchObject({ state: 'sending', lease_owner: 'ins_alive' });
  });

  it('claims due emails a batch at a time, in one statement each', async () => {
    await queue.add(db, Array.from({ length: 12 }, (_, i) => ({ kind: 'alert' as const, to: `p${i}@acme.test`, subject: `Batch ${i}`, text: 'x' })));
    queries.length = 0;
    await queue.dispatchDue();
    expect(smtp.received).toHaveLength(12);
    const claims = queries.filter((q) => /^update "mail_queue" set "state" = \?, "lease_owner"/.test(q));
    // 10, then 2, then none left.
    expect(claims).toHaveLength(3);
    expect(claims[0]).toMatch(/where "id" in \(select "id" from "mail_queue" where .* limit \?\) and .* returning \*/);
  });
});
