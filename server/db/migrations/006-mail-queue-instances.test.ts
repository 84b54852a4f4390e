import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrate } from '../index.ts';
import type { Database } from '../schema.ts';

it('alerts move into the mail queue as they were, and outbox leases keep their owner', async () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  try {
    await migrate(db, '005-imports');
    const t = '2026-11-28T10:00:00.000Z';
    await sql`insert into users (id, email, role, created_at) values ('usr_1', 'ann@acme.test', 'admin', ${t})`.execute(db);
    await sql`insert into accounts (id, email, owner_id, provider, state, state_changed_at, created_at, updated_at) values ('acc_1', 'box@acme.test', 'usr_1', 'custom', 'needs_reauth', ${t}, ${t}, ${t})`.execute(db);
    await sql`insert into alerts (id, account_id, event_id, recipient, subject, body, state, attempts, next_attempt_at, last_error, created_at, sent_at) values
      ('alr_1', 'acc_1', 'evt_1', 'ann@acme.test', 'Lost', 'Re-grant it.', 'sent', 1, ${t}, null, ${t}, ${t}),
      ('alr_2', 'acc_1', 'evt_1', 'box@acme.test', 'Lost', 'Re-grant it.', 'pending', 2, ${t}, '451 try later', ${t}, null)`.execute(db);
    await sql`insert into outbox_messages (id, account_id, message_id, to_address, subject, text_body, state, next_attempt_at, lease_token, lease_until, created_at) values ('msg_1', 'acc_1', '<m1@acme.test>', 'x@example.test', 'Hi', 'Hello', 'sending', ${t}, 'lse_old', ${t}, ${t})`.execute(db);

    await migrate(db);
    const queued = await db.selectFrom('mail_queue').selectAll().orderBy('id').execute();
    expect(queued.map((m) => [m.id, m.kind, m.recipient, m.subject, m.text_body, m.account_id, m.event_id, m.state, m.attempts, m.last_error, m.sent_at, m.lease_owner])).toEqual([
      ['alr_1', 'alert', 'ann@acme.test', 'Lost', 'Re-grant it.', 'acc_1', 'evt_1', 'sent', 1, null, t, null],
      ['alr_2', 'alert', 'box@acme.test', 'Lost', 'Re-grant it.', 'acc_1', 'evt_1', 'pending', 2, '451 try later', null, null],
    ]);
    expect(await db.selectFrom('outbox_messages').select(['state', 'lease_owner', 'lease_until']).executeTakeFirst()).toEqual({ state: 'sending', lease_owner: 'lse_old', lease_until: t });
  } finally {
    await db.destroy();
  }
});
