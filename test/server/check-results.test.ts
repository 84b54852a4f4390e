/**
 * Check results that arrive together are written together, and still each on its own terms:
 * one whose settings changed meanwhile is dropped, one that cannot be written fails alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { onTestPostgres } from '../support/database.ts';
import type { AccountRow } from '../../server/db/schema.ts';
import { createResultWriter, type ResultWrite } from '../../server/health/results.ts';
import { customMailbox, startRegrant, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let seen: string[] = [];

beforeAll(async () => {
  rg = await startRegrant({}, { onQuery: (sql) => seen.push(sql) });
  const admin = await rg.user('admin@acme.test', 'admin');
  for (const email of ['ann@acme.test', 'bob@acme.test', 'cy@acme.test']) {
    expect((await admin.post('/api/accounts', customMailbox(email, { port: 1 }, { port: 1 }, 'pw'))).status).toBe(201);
  }
});
afterAll(() => rg?.destroy());

let claimed: AccountRow[];
beforeEach(async () => {
  await rg.db.updateTable('accounts').set({ next_check_at: new Date(Date.now() - 1000).toISOString(), lease_owner: null, lease_until: null }).execute();
  claimed = (await rg.health.claimDue(10)).sort((a, b) => a.email.localeCompare(b.email));
  expect(claimed).toHaveLength(3);
  seen = [];
});

/** A good check's result for a claimed row, as the health engine hands it over. */
const good = (row: AccountRow): ResultWrite => ({ row, failures: [], manual: false });

const writer = () => createResultWriter({ db: rg.db, accounts: rg.accounts, intervalSeconds: 300 });

it('results of the same moment share one transaction, and each gets its account back', async () => {
  const results = writer();
  const after = (await Promise.all(claimed.map((row) => results.write(good(row))))).map((t) => t.after);
  expect(after.map((row) => [row?.email, row?.state, row?.lease_owner])).toEqual([
    ['ann@acme.test', 'connected', null],
    ['bob@acme.test', 'connected', null],
    ['cy@acme.test', 'connected', null],
  ]);
  expect(seen.filter((sql) => sql === 'begin')).toHaveLength(1);
  expect(seen.filter((sql) => sql === 'commit')).toHaveLength(1);
  // The first check of each: three events, one status bump for their one owner.
  expect(seen.filter((sql) => /^insert into "account_events"/.test(sql))).toHaveLength(3);
  expect(seen.filter((sql) => /^update "users" set "status_version"/.test(sql))).toHaveLength(1);
});

it('a result about settings changed meanwhile is dropped, and the others are written', async () => {
  const [ann, bob, cy] = claimed;
  await rg.db.updateTable('accounts').set({ updated_at: new Date(Date.now() + 5).toISOString() }).where('id', '=', bob.id).execute();
  const results = writer();
  const [a, b, c] = (await Promise.all([ann, bob, cy].map((row) => results.write(good(row))))).map((t) => t.after);
  expect(a?.lease_owner).toBeNull();
  expect(b).toBeNull();
  expect(c?.lease_owner).toBeNull();
  const bobNow = await rg.db.selectFrom('accounts').selectAll().where('id', '=', bob.id).executeTakeFirstOrThrow();
  expect(bobNow.lease_owner).toBe(bob.lease_owner); // untouched: the engine hands it back itself
});

it('a result that cannot be written fails alone; the others of its moment are written', async () => {
  const [ann, bob, cy] = claimed;
  // The database refuses bob's result (its lease released): that write fails, and with it the shared transaction.
  const refuse = onTestPostgres()
    ? [
        `create function refuse_bob() returns trigger language plpgsql as $$ begin if new.id = '${bob.id}' and new.lease_owner is null then raise exception 'refused for the test'; end if; return new; end $$`,
        'create trigger refuse_bob before update on accounts for each row execute function refuse_bob()',
      ]
    : [`create trigger refuse_bob before update on accounts when new.id = '${bob.id}' and new.lease_owner is null begin select raise(abort, 'refused for the test'); end`];
  for (const statement of refuse) await sql.raw(statement).execute(rg.db);
  const allow = onTestPostgres() ? 'drop trigger refuse_bob on accounts' : 'drop trigger refuse_bob';
  const results = writer();
  const outcomes = await Promise.allSettled([results.write(good(ann)), results.write(good(bob)), results.write(good(cy))]).finally(() => sql.raw(allow).execute(rg.db));
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const rows = await rg.db.selectFrom('accounts').select(['email', 'lease_owner']).orderBy('email').execute();
  expect(rows).toEqual([
    { email: 'ann@acme.test', lease_owner: null },
    { email: 'bob@acme.test', lease_owner: bob.lease_owner },
    { email: 'cy@acme.test', lease_owner: null },
  ]);
});
