/**
 * A share link is consumed exactly once, even when two requests (on two instances) use it at
 * the same moment: on PostgreSQL the second waits on the first's row lock and then finds the
 * link used; on SQLite the transactions take turns.
 */
import { afterEach, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { createShareLinks } from './share-links.ts';

let db: Db;
afterEach(() => db?.destroy());

it('two re-grants using one link at the same moment: exactly one consumes it', async () => {
  db = await openTestDatabase();
  const now = new Date().toISOString();
  const userId = newId('usr');
  await db.insertInto('users').values({ id: userId, email: 'ann@acme.test', name: null, role: 'admin', status_touched_at: null, created_at: now }).execute();
  const accountId = newId('acc');
  await db
    .insertInto('accounts')
    .values({ id: accountId, email: 'sales@acme.test', provider: 'google', owner_id: userId, state: 'needs_reauth', created_at: now, updated_at: now, next_check_at: now, state_changed_at: now } as never)
    .execute();
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
  const links = createShareLinks({ db, publicUrl: 'http://regrant.test', ttlHours: 72 });
  const { url } = await links.create(account, userId);
  const found = await links.lookup(url.split('/r/')[1]);
  if (!('link' in found)) throw new Error(`the new link is ${found.failure}`);

  // Each holds its transaction open a while after consuming, as a re-grant does while it saves the grant.
  const use = () =>
    db.transaction().execute(async (trx) => {
      const consumed = await links.consume(trx, found.link.id);
      await new Promise((r) => setTimeout(r, 150));
      return consumed;
    });
  const results = await Promise.all([use(), use(), use()]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await links.lookup(url.split('/r/')[1])).toMatchObject({ failure: 'used' });
});
