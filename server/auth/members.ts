/**
 * The people of a workspace, for admins: the list (with last use and mailboxes owned),
 * invitations, role changes and removal. The workspace always keeps an admin: a demotion or
 * removal that would leave none is refused inside its own transaction, after its write, so two
 * admins demoting each other at once still leave one (on PostgreSQL the admins' rows are
 * locked first; SQLite runs one writer at a time).
 *
 * @example
 *   const members = createMembers({ db, checkIntervalSeconds: 300, maxMailboxesPerMember: 500 });
 *   await members.invite(admin, { email: 'bo@acme.test', role: 'member' }); // 201
 *   await members.remove(admin, bo.id, admin.id); // tokens dead at once, mailboxes to admin
 */
import { SqliteAdapter } from 'kysely';
import type { Role } from '../../shared/api.ts';
import type { InviteInput, InviteView, Me, MemberList } from '../../shared/members.ts';
import { handOverMailboxes, mailboxCounts } from '../accounts/hand-over.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { User } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { AuthUser } from './index.ts';

/** How long an invitation lets its address in. */
export const INVITE_DAYS = 7;
const DAY_MS = 86_400_000;

type Actor = Pick<AuthUser, 'id' | 'role'>;

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'only an admin can manage members');
}

const meView = (u: Pick<User, 'id' | 'email' | 'name' | 'role'>): Me => ({ id: u.id, email: u.email, name: u.name, role: u.role });

/** An invitation of `email` that still lets it in, if any. */
export async function openInvite(db: Db, email: string, now = new Date()) {
  return db
    .selectFrom('member_invites')
    .selectAll()
    .where('email', '=', email)
    .where('withdrawn_at', 'is', null)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Whether an admin removed `email` (and nobody invited it since). */
export async function wasRemoved(db: Db, email: string): Promise<boolean> {
  return !!(await db.selectFrom('removed_members').select('email').where('email', '=', email).executeTakeFirst());
}

/**
 * Adds a person who signed in for the first time, in `trx`: with the role of their invitation
 * (which is then used up, and their removal forgotten), or as a member (SIGNIN_DOMAINS).
 */
export async function joinUser(trx: Db, person: { email: string; name: string | null }, inviteId: string | null): Promise<User> {
  const now = new Date().toISOString();
  let role: Role = 'member';
  if (inviteId) {
    const invite = await trx.updateTable('member_invites').set({ accepted_at: now }).where('id', '=', inviteId).where('accepted_at', 'is', null).returning('role').executeTakeFirst();
    if (!invite) throw new DomainError('forbidden', 'this invitation was used or withdrawn a moment ago');
    role = invite.role;
    await trx.deleteFrom('removed_members').where('email', '=', person.email).execute();
  }
  const user: User = { id: newId('usr'), email: person.email, name: person.name, role, status_version: 1, status_touched_at: null, created_at: now };
  await trx.insertInto('users').values(user).execute();
  return user;
}

/** Refuses when `trx` would leave the workspace without an admin (after the change was written). */
async function keepAnAdmin(trx: Db, why: string): Promise<void> {
  const row = await trx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').executeTakeFirstOrThrow();
  if (Number(row.n) === 0) throw new DomainError('last_admin', why);
}

/** On PostgreSQL, concurrent changes of admins wait for each other here; SQLite has one writer at a time anyway. */
async function lockAdmins(trx: Db): Promise<void> {
  if (trx.getExecutor().adapter instanceof SqliteAdapter) return;
  await trx.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
}

export function createMembers({ db, checkIntervalSeconds, maxMailboxesPerMember = 500 }: { db: Db; checkIntervalSeconds: number; maxMailboxesPerMember?: number }) {
  async function person(id: string): Promise<User> {
    const found = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new DomainError('not_found', `no member ${id}`);
    return found;
  }

  const inviteView = (i: { id: string; email: string; role: Role; invited_by: string | null; created_at: string; expires_at: string }, byEmail: Map<string, string>): InviteView => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.invited_by ? (byEmail.get(i.invited_by) ?? null) : null,
    createdAt: i.created_at,
    expiresAt: i.expires_at,
  });

  /** A member taking over someone's mailboxes stays within MAX_MAILBOXES_PER_MEMBER (admins have no limit). */
  async function roomFor(trx: Db, heirEmail: string, heirId: string, fromId: string, fromEmail: string): Promise<void> {
    const counts = await mailboxCounts(trx);
    const has = counts.get(heirId) ?? 0;
    const moving = counts.get(fromId) ?? 0;
    if (has + moving <= maxMailboxesPerMember) return;
    throw new DomainError(
      'mailbox_limit',
      `owner: ${heirEmail} has ${has} mailboxes and would have ${has + moving} with ${fromEmail}'s ${moving}, more than a member may have (MAX_MAILBOXES_PER_MEMBER is ${maxMailboxesPerMember}). Pick an admin or someone with room, or make ${heirEmail} an admin first.`,
      'owner',
    );
  }

  return {
    me: (user: Pick<User, 'id' | 'email' | 'name' | 'role'>): Me => meView(user),

    async list(actor: Actor): Promise<MemberList> {
      requireAdmin(actor);
      const users = await db.selectFrom('users').select(['id', 'email', 'name', 'role', 'created_at']).orderBy('email').execute();
      const seen = await db.selectFrom('api_tokens').select(['user_id']).select((eb) => eb.fn.max('last_used_at').as('at')).groupBy('user_id').execute();
      const lastSeen = new Map(seen.map((s) => [s.user_id, s.at as string | null]));
      const owned = await mailboxCounts(db);
      const invites = await db
        .selectFrom('member_invites')
        .selectAll()
        .where('withdrawn_at', 'is', null)
        .where('accepted_at', 'is', null)
        .where('expires_at', '>', new Date().toISOString())
        .orderBy('email')
        .execute();
      const byId = new Map(users.map((u) => [u.id, u.email]));
      return {
        members: users.map((u) => ({ ...meView(u), lastSeenAt: lastSeen.get(u.id) ?? null, mailboxes: owned.get(u.id) ?? 0, createdAt: u.created_at })),
        invites: invites.map((i) => inviteView(i, byId)),
      };
    },

    /** Invites `email` for INVITE_DAYS; a newer invitation replaces an open one. A user already: 409. */
    async invite(actor: Actor & { email: string }, input: InviteInput): Promise<InviteView> {
      requireAdmin(actor);
      const now = new Date();
      return db.transaction().execute(async (trx) => {
        if (await trx.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst()) {
          throw new DomainError('member_exists', `${input.email} is already a member of this workspace; change their role instead`, 'email');
        }
        await trx.updateTable('member_invites').set({ withdrawn_at: now.toISOString() }).where('email', '=', input.email).where('withdrawn_at', 'is', null).where('accepted_at', 'is', null).execute();
        const row = { id: newId('inv'), email: input.email, role: input.role, invited_by: actor.id, created_at: now.toISOString(), expires_at: new Date(now.getTime() + INVITE_DAYS * DAY_MS).toISOString(), withdrawn_at: null, accepted_at: null };
        await trx.insertInto('member_invites').values(row).execute();
        return inviteView(row, new Map([[actor.id, actor.email]]));
      });
    },

    async changeRole(actor: Actor, id: string, role: Role): Promise<Me> {
      requireAdmin(actor);
      const target = await person(id);
      if (target.role === role) return meView(target);
      await db.transaction().execute(async (trx) => {
        await lockAdmins(trx);
        const done = await trx.updateTable('users').set({ role }).where('id', '=', id).executeTakeFirst();
        if (done.numUpdatedRows === 0n) throw new DomainError('not_found', `no member ${id}`);
        await keepAnAdmin(trx, `${target.email} is the last admin: make someone else an admin first, so that the workspace keeps one`);
      });
      return meView({ ...target, role });
    },

    /**
     * Removes a person: every token of theirs stops working at once (the token cache is cleared
     * by any write), their mailboxes go to `ownerId`, their address cannot come back through
     * SIGNIN_DOMAINS until invited again. An invitation id (inv_…) withdraws that invitation.
     */
    async remove(actor: Actor, id: string, ownerId: string | undefined): Promise<void> {
      requireAdmin(actor);
      if (id.startsWith('inv_')) {
        const done = await db.updateTable('member_invites').set({ withdrawn_at: new Date().toISOString() }).where('id', '=', id).where('withdrawn_at', 'is', null).where('accepted_at', 'is', null).executeTakeFirst();
        if (done.numUpdatedRows === 0n) throw new DomainError('not_found', `no open invitation ${id}`);
        return;
      }
      const target = await person(id);
      if (!ownerId) throw new DomainError('invalid_input', `owner: say who takes over ${target.email}'s mailboxes (?owner=USER_ID)`, 'owner');
      if (ownerId === id) throw new DomainError('invalid_input', `owner: ${target.email} is the person being removed; pick someone else to take over their mailboxes`, 'owner');
      await db.transaction().execute(async (trx) => {
        await lockAdmins(trx);
        const heir = await trx.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', ownerId).executeTakeFirst();
        if (!heir) throw new DomainError('invalid_input', `owner: there is no member ${ownerId}`, 'owner');
        if (heir.role !== 'admin') await roomFor(trx, heir.email, ownerId, id, target.email);
        await handOverMailboxes(trx, id, ownerId, checkIntervalSeconds);
        // Tokens, sign-in identities and sign-ins under way go with the row (on delete cascade).
        await trx.deleteFrom('users').where('id', '=', id).execute();
        await trx.deleteFrom('removed_members').where('email', '=', target.email).execute();
        await trx.insertInto('removed_members').values({ email: target.email, removed_at: new Date().toISOString() }).execute();
        await trx.updateTable('member_invites').set({ withdrawn_at: new Date().toISOString() }).where('email', '=', target.email).where('withdrawn_at', 'is', null).where('accepted_at', 'is', null).execute();
        await keepAnAdmin(trx, `${target.email} is the last admin and cannot be removed: make someone else an admin first`);
      });
    },
  };
}

export type Members = ReturnType<typeof createMembers>;
