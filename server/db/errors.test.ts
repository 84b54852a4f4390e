import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from './errors.ts';
import { openDatabase, type Db } from './index.ts';

let db: Db;
beforeAll(async () => {
  db = await openDatabase('sqlite://:memory:');
});
afterAll(async () => {
  await db?.destroy();
});

const user = (id: string, email: string | null, role = 'member') => ({ id, email, role, created_at: new Date().toISOString() });
/** The error inserting `row` fails with, or null. The rows break the schema on purpose, so they are not typed by it. */
const refusal = (row: ReturnType<typeof user>) => db.insertInto('users').values(row as never).execute().then(() => null, (error: unknown) => error);

describe('isUniqueViolation, on real SQLite errors of the real schema', () => {
  beforeAll(async () => {
    expect(await refusal(user('usr_ann', 'ann@acme.test'))).toBeNull();
  });

  it('a second row with a taken unique column or primary key is one', async () => {
    const sameEmail = await refusal(user('usr_other', 'ann@acme.test'));
    expect(sameEmail).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(isUniqueViolation(sameEmail)).toBe(true);
    const sameId = await refusal(user('usr_ann', 'new@acme.test'));
    expect(sameId).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(isUniqueViolation(sameId)).toBe(true);
  });

  it('other constraint failures are not', async () => {
    const missing = await refusal(user('usr_x', null));
    expect(missing).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    expect(isUniqueViolation(missing)).toBe(false);
    const badRole = await refusal(user('usr_y', 'y@acme.test', 'owner'));
    expect(badRole).toMatchObject({ code: 'SQLITE_CONSTRAINT_CHECK' });
    expect(isUniqueViolation(badRole)).toBe(false);
  });
});

describe('isUniqueViolation, by code and never by message', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it("PostgreSQL's 23505 (pg's DatabaseError code) is one; its foreign key 23503 is not", () => {
    expect(isUniqueViolation(withCode('23505', 'duplicate key value violates unique constraint "accounts_email_key"'))).toBe(true);
    expect(isUniqueViolation(withCode('23503', 'insert or update on table "accounts" violates foreign key constraint'))).toBe(false);
  });

  it('a message that reads like one, without the code, is not; a wrapped violation (cause) is', async () => {
    expect(isUniqueViolation(new Error('UNIQUE constraint failed: users.email'))).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isUniqueViolation('SQLITE_CONSTRAINT_UNIQUE')).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation(new Error('storing the account failed', { cause: withCode('SQLITE_CONSTRAINT_UNIQUE') }))).toBe(true);
  });
});
