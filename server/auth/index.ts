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

export type AuthUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'status_version'>;

/** Tokens whose lookup is kept at most. */
const MAX_KNOWN = 5000;

export function createUsers(db: Db) {
  // Every API request runs this lookup: it is built once, since building a query costs more
  // than running this one. Its only parameter is the token's hash.
  const tokenLookup = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.status_version'])
    .where('api_tokens.token_hash', '=', '')
    .where('api_tokens.revoked_at', 'is', null)
    .compile();
  // Answers of that lookup, by token hash, while the database is provably unchanged since they
  // were read (db/change-clock.ts): a revocation by the CLI, a new status version, anything
  // committed by anyone empties it, so a revoked token fails on the very next request.
  const clock = changeClock(db);
  const known = new Map<string, AuthUser | null>();
  let knownAt = '';

  async function issueToken(userId: string, label: string | null): Promise<{ id: string; token: string }> {
    const token = randomToken('rg');
    const id = newId('tok');
    await db
      .insertInto('api_tokens')
      .values({ id, user_id: userId, token_hash: hashToken(token), label, created_at: new Date().toISOString(), revoked_at: null })
      .execute();
    return { id, token };
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

    async createToken(email: string, label: string | null = null): Promise<{ id: string; token: string }> {
      const user = await byEmail(email);
      if (!user) throw new AuthError('user_not_found', `no user ${email}`);
      return issueToken(user.id, label);
    },

    async listTokens(email: string) {
      const user = await byEmail(email);
      if (!user) throw new AuthError('user_not_found', `no user ${email}`);
      return db
        .selectFrom('api_tokens')
        .select(['id', 'label', 'created_at', 'revoked_at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute();
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

    /** The user holding this bearer token; one indexed lookup, none while nothing changed since the last. */
    async byToken(token: string): Promise<AuthUser | null> {
      const hash = hashToken(token);
      // Read before the lookup: a change after it makes the answer kept below stale at once.
      const now = clock?.() ?? null;
      if (now !== knownAt) {
        known.clear();
        knownAt = now ?? '';
      } else if (now !== null) {
        const user = known.get(hash);
        if (user) return user;
      }
      const lookup: typeof tokenLookup = { ...tokenLookup, parameters: [hash] };
      const { rows } = await db.executeQuery(lookup);
      const user = rows[0] ?? null;
      // Only known tokens are kept (a flood of unknown ones must not grow the map), and a few thousand at most.
      if (user && now !== null && knownAt === now) {
        if (known.size >= MAX_KNOWN) known.clear();
        known.set(hash, user);
      }
      return user;
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
