/**
 * Users, roles and API tokens. Tokens are shown once and stored as SHA-256 hashes.
 *
 * @example
 *   const { user, token } = await users.add({ email: 'ann@acme.test', role: 'admin' });
 *   await users.byToken(token); // the user, or null when unknown or revoked
 */
import type { Role } from '../../shared/api.ts';
import { hashToken, randomToken } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { changeClock } from '../db/change-clock.ts';
import type { User } from '../db/schema.ts';

export class AuthError extends Error {
  constructor(
    readonly code: 'user_exists' | 'user_not_found' | 'token_not_found' | 'invalid_input',
    message: string,
  ) {
    super(message);
  }
}

const DAY_MS = 86_400_000;
/** `last_used_at` is written at most this often per token. */
export const LAST_USED_RESOLUTION_MS = 3_600_000;

export type AuthUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'status_version'>;

/** What the token lookup reads: its holder, and the token's own id, last use and expiry. */
type TokenHolder = AuthUser & { token_id: string; last_used_at: string | null; expires_at: string | null };

/** Tokens whose lookup is kept at most. */
const MAX_KNOWN = 5000;

export function createUsers(db: Db) {
  // Every API request runs this lookup: it is built once, since building a query costs more
  // than running this one. Its only parameter is the token's hash.
  const tokenLookup = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.status_version', 'api_tokens.id as token_id', 'api_tokens.last_used_at', 'api_tokens.expires_at'])
    .where('api_tokens.token_hash', '=', '')
    .where('api_tokens.revoked_at', 'is', null)
    .compile();
  // Answers of that lookup, by token hash, while the database is provably unchanged since they
  // were read (db/change-clock.ts): a revocation by the CLI, a new status version, anything
  // committed by anyone empties it, so a revoked token fails on the very next request.
  const clock = changeClock(db);
  const known = new Map<string, TokenHolder>();
  let knownAt = '';

  async function issueToken(userId: string, label: string | null, expiresInDays: number | null = null): Promise<{ id: string; token: string; expiresAt: string | null }> {
    if (expiresInDays !== null && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= 3650)) {
      throw new AuthError('invalid_input', `--expires-in-days must be a whole number of days from 1 to 3650 (got "${expiresInDays}")`);
    }
    const token = randomToken('rg');
    const id = newId('tok');
    const now = new Date();
    const expiresAt = expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * DAY_MS).toISOString();
    await db
      .insertInto('api_tokens')
      .values({ id, user_id: userId, token_hash: hashToken(token), label, created_at: now.toISOString(), revoked_at: null, expires_at: expiresAt })
      .execute();
    return { id, token, expiresAt };
  }

  /** Whether a use of the token is to be noted now: at most once an hour, so a busy token costs no write per request. */
  const useToNote = (lastUsedAt: string | null, now: Date) => !lastUsedAt || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_RESOLUTION_MS;

  async function noteUse(tokenId: string, lastUsedAt: string | null, now: Date): Promise<void> {
    if (!useToNote(lastUsedAt, now)) return;
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', tokenId).execute();
  }

  /** The token's holder, or null once it expired (against the clock on every request, kept or not). */
  function holderOf(found: TokenHolder, now: Date): AuthUser | null {
    if (found.expires_at && found.expires_at <= now.toISOString()) return null;
    const { id, email, name, role, status_version } = found;
    return { id, email, name, role, status_version };
  }

  async function byEmail(email: string): Promise<User | undefined> {
    return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  }

  return {
    byEmail,

    async byId(id: string): Promise<User | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async add(input: { email: string; role: Role; name?: string | null }): Promise<{ user: User; token: string }> {
      const email = input.email.trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AuthError('invalid_input', `"${input.email}" is not an email address`);
      if (input.role !== 'admin' && input.role !== 'member') throw new AuthError('invalid_input', 'role must be admin or member');
      if (await byEmail(email)) throw new AuthError('user_exists', `a user ${email} already exists`);
      const user: User = {
        id: newId('usr'),
        email,
        name: input.name?.trim() || null,
        role: input.role,
        status_version: 1,
        status_touched_at: null,
        created_at: new Date().toISOString(),
      };
      await db.insertInto('users').values(user).execute();
      const { token } = await issueToken(user.id, 'created with the user');
      return { user, token };
    },

    async list(): Promise<User[]> {
      return db.selectFrom('users').selectAll().orderBy('email').execute();
    },

    /** A further token for `email`; `expiresInDays` null: it never expires. */
    async createToken(email: string, label: string | null = null, expiresInDays: number | null = null): Promise<{ id: string; token: string; expiresAt: string | null }> {
      const user = await byEmail(email);
      if (!user) throw new AuthError('user_not_found', `no user ${email}`);
      return issueToken(user.id, label, expiresInDays);
    },

    async listTokens(email: string) {
      const user = await byEmail(email);
      if (!user) throw new AuthError('user_not_found', `no user ${email}`);
      return db
        .selectFrom('api_tokens')
        .select(['id', 'label', 'created_at', 'revoked_at', 'last_used_at', 'expires_at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute();
    },

    /** Revokes the token itself (sign out); the lookup cache forgets it with the write. */
    async revokeBearer(token: string): Promise<void> {
      await db.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('token_hash', '=', hashToken(token)).where('revoked_at', 'is', null).execute();
    },

    async revokeToken(id: string): Promise<void> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new AuthError('token_not_found', `no active token ${id}`);
    },

    /**
     * The user holding this bearer token, or null when it is unknown, revoked or expired. One
     * indexed lookup, none while nothing changed since the last; a write at most once an hour
     * per token, to note that it was used.
     */
    async byToken(token: string, now = new Date()): Promise<AuthUser | null> {
      const hash = hashToken(token);
      // Read before the lookup: a change after it makes the answer kept below stale at once.
      const clockNow = clock?.() ?? null;
      let found: TokenHolder | undefined;
      if (clockNow !== knownAt) {
        known.clear();
        knownAt = clockNow ?? '';
      } else if (clockNow !== null) {
        found = known.get(hash);
      }
      if (!found) {
        const lookup: typeof tokenLookup = { ...tokenLookup, parameters: [hash] };
        const { rows } = await db.executeQuery(lookup);
        found = rows[0] as TokenHolder | undefined;
        if (!found) return null;
        // Only known tokens are kept (a flood of unknown ones must not grow the map), and a few thousand at most.
        if (clockNow !== null && knownAt === clockNow) {
          if (known.size >= MAX_KNOWN) known.clear();
          known.set(hash, found);
        }
      }
      const user = holderOf(found, now);
      if (user) await noteUse(found.token_id, found.last_used_at, now);
      return user;
    },

    /**
     * `byToken` without a promise, for the status poll: the holder when the lookup is kept and
     * the database provably unchanged since it was read (the same reading `byToken` takes, so a
     * revocation committed by anyone is seen just as soon), and no use is to be noted. Else
     * undefined: ask `byToken`.
     */
    keptHolder(token: string, now = new Date()): AuthUser | undefined {
      const clockNow = clock?.();
      if (clockNow === undefined || clockNow !== knownAt) return undefined;
      const found = known.get(hashToken(token));
      if (!found || useToNote(found.last_used_at, now)) return undefined;
      return holderOf(found, now) ?? undefined;
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
