/**
 * Whether the database answers right now, within a short time: the readiness answer a load
 * balancer asks every instance for (`GET /readyz`), so it stops sending requests to one that
 * cannot reach PostgreSQL.
 *
 * @example
 *   if (!(await databaseReady(db))) return c.json({ ok: false, database: 'unreachable' }, 503);
 */
import { sql } from 'kysely';
import type { Db } from './index.ts';

export async function databaseReady(db: Db, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
