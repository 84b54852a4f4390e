/**
 * What a health check asks of the database stays small however many mailboxes there are: the
 * scheduler's claim and each check's result never read the whole accounts table, and a good
 * check that changes nothing costs its share of a claim and one UPDATE.
 */
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onTestPostgres } from '../support/database.ts';
import { sqlitePath } from '../../server/db/index.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, startRegrant, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const users = { 'ann@acme.test': 'pw', 'bob@acme.test': 'pw', 'cy@acme.test': 'pw' };
let imap: Dovecot;
let smtp: TestSmtp;
let rg: TestRegrant;
let seen: string[] = [];

beforeAll(async () => {
  imap = await startDovecot(users);
  smtp = await startSmtp(users);
  rg = await startRegrant({}, { onQuery: (sql) => seen.push(sql) });
  const admin = await rg.user('admin@acme.test', 'admin');
  for (const email of Object.keys(users)) expect((await admin.post('/api/accounts', customMailbox(email, smtp, imap, 'pw'))).status).toBe(201);
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

/** How SQLite would run each statement: the lines of its query plan. */
function plans(statements: string[]): Map<string, string[]> {
  const sqlite = new SQLite(sqlitePath(rg.config.databaseUrl), { readonly: true });
  try {
    return new Map(
      [...new Set(statements)].map((sql) => {
        const parameters = Array.from(sql.matchAll(/\?/g), () => null);
        return [sql, sqlite.prepare(`explain query plan ${sql}`).all(...parameters).map((row) => (row as { detail: string }).detail)];
      }),
    );
  } finally {
    sqlite.close();
  }
}

async function cycle(): Promise<string[]> {
  await rg.db.updateTable('accounts').set({ next_check_at: new Date(Date.now() - 1000).toISOString() }).execute();
  seen = [];
  const claimed = await rg.health.claimDue(50);
  expect(claimed).toHaveLength(3);
  const checked = await Promise.all(claimed.map((row) => rg.health.runClaimed(row)));
  expect(checked.map((row) => row?.state)).toEqual(['connected', 'connected', 'connected']);
  return seen;
}

// SQLite's query plans: PostgreSQL plans by table sizes, and a test's tables are too small to say.
it.skipIf(onTestPostgres())('a cycle of checks never scans the accounts table', async () => {
  await cycle(); // the first check of a new mailbox records its event
  for (const [sql, plan] of plans(await cycle())) {
    expect(plan.filter((line) => /^SCAN accounts\b/.test(line)), sql).toEqual([]);
  }
});

it('good checks that change nothing write one update each, in at most one transaction each, and read nothing after', async () => {
  // Whatever a first check still records (the test above may not have run), and the inbox
  // catch-up and outbox flush a first connection starts, are over before the cycle that is counted.
  await cycle();
  await rg.inbox.stop();
  await rg.outbox.stop();
  const statements = await cycle();
  const claims = statements.filter((sql) => /^update "accounts" set "lease_owner"/.test(sql));
  expect(claims).toHaveLength(1);
  const perCheck = statements.filter((sql) => !claims.includes(sql));
  expect(perCheck.filter((sql) => /^update "accounts"/.test(sql))).toHaveLength(3);
  expect(perCheck.filter((sql) => sql === 'begin').length).toBeLessThanOrEqual(3);
  expect(perCheck.filter((sql) => /^select/.test(sql))).toEqual([]);
});
