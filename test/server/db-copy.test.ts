/**
 * Moving an install: `regrant db copy --to postgres://…` copies every table of the SQLite
 * database into an empty PostgreSQL one, says what it copied, and a Regrant on PostgreSQL with
 * the same key then serves the same users, mailboxes (their passwords still sealed and still
 * opening) and held emails. A target that is not empty is refused and left as it was.
 * PostgreSQL only (it needs a target).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import { CommandFailed, runCommand } from '../../server/cli/commands.ts';
import { onTestPostgres, testDatabaseEnv, TEST_SECRET_KEY } from '../support/database.ts';
import { startRegrant, type TestRegrant } from '../support/regrant.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-copy-'));
const started: TestRegrant[] = [];
afterAll(async () => {
  await Promise.all(started.map((rg) => rg.destroy()));
  rmSync(dir, { recursive: true, force: true });
});

const mailbox = (email: string, password: string) => ({
  email,
  smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: email, password },
  imap: { host: '127.0.0.1', port: 1143, security: 'none', username: email, password },
});

it.runIf(onTestPostgres())('copies a SQLite install into an empty PostgreSQL database, which then serves the same data; a second copy is refused', async () => {
  const source = await startRegrant({ DATABASE_URL: `sqlite://${path.join(dir, 'regrant.sqlite')}`, SECRET_KEY: TEST_SECRET_KEY });
  started.push(source);
  const admin = await source.user('ann@acme.test', 'admin');
  const created = (await (await admin.post('/api/accounts', mailbox('sales@acme.test', 'hunter2'))).json()) as AccountView;
  expect((await admin.post('/api/messages', { accountId: created.id, to: 'bob@example.test', subject: 'Held', text: 'x' })).status).toBe(202);
  const { DATABASE_URL: target } = await testDatabaseEnv();

  const lines: string[] = [];
  await runCommand(['db', 'copy', '--to', target], source.users, (l) => lines.push(l), source.db);
  expect(lines).toContain('users: 1 rows');
  expect(lines).toContain('accounts: 1 rows');
  expect(lines).toContain('outbox_messages: 1 rows');
  expect(lines.join('\n')).toMatch(/^Copied \d+ rows of \d+ tables; the row counts match\.$/m);
  expect(lines.join('\n')).not.toContain('hunter2');

  const moved = await startRegrant({ DATABASE_URL: target, SECRET_KEY: TEST_SECRET_KEY });
  started.push(moved);
  const same = moved.client(admin.token);
  const seen = (await (await same.get(`/api/accounts/${created.id}`)).json()) as AccountView;
  expect(seen.email).toBe('sales@acme.test');
  expect((await (await same.get('/api/status')).json()).accounts[0].pendingEmails).toBe(1);
  const row = await moved.db.selectFrom('accounts').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
  expect(row.smtp_password).not.toContain('hunter2');
  expect(moved.accounts.credentials(row).smtp?.password).toBe('hunter2');

  const again = runCommand(['db', 'copy', '--to', target], source.users, () => {}, source.db);
  await expect(again).rejects.toThrow(CommandFailed);
  await expect(runCommand(['db', 'copy', '--to', target], source.users, () => {}, source.db)).rejects.toThrow(/not empty \(users has 1 rows\)/);
  await expect(runCommand(['db', 'copy', '--to', 'mysql://db/x'], source.users, () => {}, source.db)).rejects.toThrow(/--to must be a PostgreSQL URL/);
}, 60_000);
