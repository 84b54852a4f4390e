/**
 * hono-rate-limiter's Store in the database, so a limit holds across server processes. A
 * hit is one upsert (standard `INSERT … ON CONFLICT … DO UPDATE … RETURNING`, the same on
 * SQLite and PostgreSQL): a new window, or one more hit in the current one, decided by the
 * row itself, so two processes counting the same client at once cannot lose a hit. Ended
 * windows are deleted at most once per window length, by whichever hit comes along.
 *
 * @example
 *   rateLimiter({ windowMs: 60_000, limit: 30, keyGenerator: clientAddress, store: new DbRateLimitStore(db, 'share-address') })
 */
import type { ClientRateLimitInfo, Store } from 'hono-rate-limiter';
import type { Db } from '../db/index.ts';

export class DbRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private sweptAt = 0;

  constructor(
    private readonly db: Db,
    /** The limit's name: keys of different limits never meet. */
    name: string,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `${name}:`;
  }

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const t = this.now();
    const now = new Date(t).toISOString();
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key: this.prefix + key, hits: 1, reset_at: new Date(t + this.windowMs).toISOString() })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const ended = eb('rate_limits.reset_at', '<=', now);
          return {
            hits: eb.case().when(ended).then(1).else(eb('rate_limits.hits', '+', 1)).end(),
            reset_at: eb.case().when(ended).then(eb.ref('excluded.reset_at')).else(eb.ref('rate_limits.reset_at')).end(),
          };
        }),
      )
      .returning(['hits', 'reset_at'])
      .executeTakeFirstOrThrow();
    if (t - this.sweptAt >= this.windowMs) {
      this.sweptAt = t;
      await this.db.deleteFrom('rate_limits').where('reset_at', '<=', now).execute();
    }
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.prefix + key)
      .where('reset_at', '>', new Date(this.now()).toISOString())
      .executeTakeFirst();
    return row && { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  /** Takes back one hit of the current window (never below zero, never into the next window). */
  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set((eb) => ({ hits: eb('hits', '-', 1) }))
      .where('key', '=', this.prefix + key)
      .where('hits', '>', 0)
      .where('reset_at', '>', new Date(this.now()).toISOString())
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', this.prefix + key).execute();
  }
}
