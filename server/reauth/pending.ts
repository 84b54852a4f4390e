/**
 * Google/Microsoft connections held for an admin. A member's connect of an address that is not
 * their own, and an admin's connect of an address Regrant holds as a password mailbox, do not
 * attach anything: the grant is kept sealed here until an admin approves (the mailbox is added
 * for the member who asked, or the password mailbox becomes an OAuth one in place) or refuses
 * (the grant is discarded at the provider when Regrant does not hold the mailbox). Admins are
 * emailed, through the mail queue, when a connection starts waiting.
 *
 * @example
 *   const held = await pending.hold(trx, { provider: 'google', email, requestedBy: user.id, refreshToken });
 *   await pending.approve(admin, held.id); // → the new (or replaced) mailbox's id
 */
import { SIGN_IN_LABEL } from '../../shared/api.ts';
import type { Actor } from '../accounts/index.ts';
import { findAccountByEmail } from '../accounts/repository.ts';
import { adminsAndOwner, findUser } from '../auth/repository.ts';
import type { Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../log/index.ts';
import type { Notifier } from '../notify/index.ts';
import type { OAuthProvider } from '../providers/types.ts';
import { replaceWithGrant, storeNewAccount, type GrantDeps } from './grant.ts';

export interface PendingConnectionView {
  id: string;
  provider: 'google' | 'microsoft';
  email: string;
  requestedBy: { id: string; email: string };
  createdAt: string;
  /** The address is a password mailbox in Regrant already: approving replaces its settings with this grant. */
  replaces: { id: string; owner: string } | null;
}

export interface PendingDeps extends GrantDeps {
  sealer: Sealer;
  notifier: Pick<Notifier, 'add' | 'kick'>;
  logger: Logger;
  workspaceName: string;
  publicUrl: string;
  oauth(kind: string): OAuthProvider | null;
  /** Held emails of a replaced mailbox go now. */
  announceReconnected(accountId: string): void;
}

const tokenContext = (id: string) => `${id}:pending_refresh_token`;

export function createPendingConnections(deps: PendingDeps) {
  const { db, sealer, notifier, logger } = deps;

  function requireAdmin(actor: Actor): void {
    if (actor.role !== 'admin') throw new DomainError('forbidden', 'only an admin can see and decide pending connections');
  }

  async function open(id: string) {
    const row = await db.selectFrom('pending_connections').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new DomainError('not_found', `no pending connection ${id}`);
    if (row.decided_at) throw new DomainError('not_found', `no pending connection ${id}: it was ${row.decision} on ${row.decided_at}`);
    return row;
  }

  async function decide(id: string, actor: Actor, decision: 'approved' | 'refused'): Promise<boolean> {
    const done = await db
      .updateTable('pending_connections')
      .set({ decided_at: new Date().toISOString(), decided_by: actor.id, decision, refresh_token: '' })
      .where('id', '=', id)
      .where('decided_at', 'is', null)
      .executeTakeFirst();
    return done.numUpdatedRows > 0n;
  }

  return {
    /** Keeps a grant for an admin to decide on, and tells the admins. Answers its id. */
    async hold(h: { provider: 'google' | 'microsoft'; email: string; requestedBy: string; refreshToken: string }): Promise<string> {
      const id = newId('pcn');
      const requester = await findUser(db, h.requestedBy);
      const existing = await findAccountByEmail(db, h.email);
      const label = SIGN_IN_LABEL[h.provider];
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('pending_connections')
          .values({ id, provider: h.provider, email: h.email, requested_by: h.requestedBy, refresh_token: sealer.seal(h.refreshToken, tokenContext(id)), created_at: new Date().toISOString(), decided_at: null, decided_by: null, decision: null })
          .execute();
        const admins = (await adminsAndOwner(trx, h.requestedBy)).filter((p) => p.role === 'admin');
        const why = existing ? `${h.email} is a password mailbox in ${deps.workspaceName} already; approving replaces its settings with this ${label} connection.` : `${requester?.email} asked to connect ${h.email}, which is not their own address.`;
        const text = [
          `${requester?.email ?? 'A former user'} connected ${h.email} with ${label}. It waits for an administrator before anything is attached.`,
          '',
          why,
          '',
          'An admin approves or refuses it with their API token (the pending list: GET /api/pending-connections):',
          `  POST ${deps.publicUrl}/api/pending-connections/${id}/approve`,
          `  POST ${deps.publicUrl}/api/pending-connections/${id}/refuse`,
        ].join('\n');
        await notifier.add(trx, admins.map((a) => ({ kind: 'alert' as const, to: a.email, subject: `${deps.workspaceName}: ${h.email} waits for your approval`, text })));
      });
      void notifier.kick();
      logger.info('reauth.connection_held', { pending: id, provider: h.provider, by: h.requestedBy });
      return id;
    },

    /** Connections waiting for a decision, oldest first (admins only). */
    async list(actor: Actor): Promise<PendingConnectionView[]> {
      requireAdmin(actor);
      const rows = await db
        .selectFrom('pending_connections')
        .innerJoin('users', 'users.id', 'pending_connections.requested_by')
        .select(['pending_connections.id', 'provider', 'pending_connections.email', 'requested_by', 'users.email as requester', 'pending_connections.created_at'])
        .where('decided_at', 'is', null)
        .orderBy('pending_connections.created_at')
        .execute();
      const views: PendingConnectionView[] = [];
      for (const r of rows) {
        const existing = await findAccountByEmail(db, r.email);
        const owner = existing ? await findUser(db, existing.owner_id) : undefined;
        views.push({ id: r.id, provider: r.provider, email: r.email, requestedBy: { id: r.requested_by, email: r.requester }, createdAt: r.created_at, replaces: existing && existing.provider === 'custom' ? { id: existing.id, owner: owner?.email ?? '' } : null });
      }
      return views;
    },

    /**
     * Adds the mailbox for the member who asked, or replaces the password mailbox at that
     * address in place (its owner stays). Answers the mailbox's id.
     */
    async approve(actor: Actor, id: string): Promise<string> {
      requireAdmin(actor);
      const row = await open(id);
      const provider = deps.oauth(row.provider);
      if (!provider) throw new DomainError('provider_not_configured', `${SIGN_IN_LABEL[row.provider]} sign-in is no longer set up on this server`);
      const refreshToken = sealer.open(row.refresh_token, tokenContext(row.id));
      const existing = await findAccountByEmail(db, row.email);
      if (existing && existing.provider !== 'custom') throw new DomainError('account_exists', `${row.email} is connected with ${SIGN_IN_LABEL[existing.provider]} already; refuse this one`);
      const admin = await findUser(db, actor.id);
      let accountId: string;
      if (existing) {
        await replaceWithGrant(deps, { account: existing, provider: row.provider, refreshToken, providerLabel: provider.label, by: `a ${provider.label} connection approved by ${admin?.email}, replacing its password settings` });
        deps.announceReconnected(existing.id);
        accountId = existing.id;
      } else {
        accountId = await storeNewAccount(deps, { ownerId: row.requested_by, provider: row.provider, email: row.email, refreshToken, providerLabel: provider.label });
      }
      await decide(id, actor, 'approved');
      void notifier.kick();
      logger.info('reauth.connection_approved', { pending: id, account: accountId, by: actor.id });
      return accountId;
    },

    /** Refuses: nothing is attached, and a grant for a mailbox Regrant does not hold is revoked. */
    async refuse(actor: Actor, id: string): Promise<void> {
      requireAdmin(actor);
      const row = await open(id);
      const refreshToken = sealer.open(row.refresh_token, tokenContext(row.id));
      if (!(await decide(id, actor, 'refused'))) return;
      logger.info('reauth.connection_refused', { pending: id, by: actor.id });
      const provider = deps.oauth(row.provider);
      if (!provider?.discard || (await findAccountByEmail(db, row.email))) return;
      await provider.discard({ accessToken: '', refreshToken, grantedScopes: [], idToken: null }).catch((error) => logger.warn('reauth.discard_failed', { pending: id, error }));
    },
  };
}

export type PendingConnections = ReturnType<typeof createPendingConnections>;
