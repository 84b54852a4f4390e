/**
 * Share links: a URL someone pastes into a chat so the person holding a mailbox can re-grant
 * it without a Regrant login. The token has 256 random bits; a link expires
 * (SHARE_LINK_TTL_HOURS), a successful re-grant uses it up, and it opens the consent for its
 * one mailbox only. Two kinds: a manual link (Copy link: only its hash is stored, a new one
 * revokes the previous manual link, never the incident link) and an incident link
 * (incident-links.ts). `revoke` (DELETE) and any reconnection revoke both.
 *
 * @example
 *   const { url, expiresAt } = await links.create(accountRow, creatorId);
 *   const found = await links.lookup(token); // { link, account } or { failure: 'expired', … }
 */
import { findAccount } from '../accounts/repository.ts';
import { findUser } from '../auth/repository.ts';
import { hashToken, randomToken } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, ShareLinkRow } from '../db/schema.ts';

export type LinkFailure = 'unknown' | 'expired' | 'revoked' | 'used';

/** Why a link does not work; `connectedEmail` when it did its job (used, or replaced by a reconnect) and the mailbox is connected now. */
export interface LinkRefusal {
  failure: LinkFailure;
  creatorEmail: string | null;
  connectedEmail?: string;
}

export interface LinkFound {
  link: ShareLinkRow;
  account: AccountRow;
  creatorEmail: string | null;
}

/** Revokes every live link of the account, manual and incident; answers how many were live. */
export async function revokeEveryLink(trx: Db, accountId: string): Promise<number> {
  const result = await trx.updateTable('share_links').set({ revoked_at: new Date().toISOString() }).where('account_id', '=', accountId).where('revoked_at', 'is', null).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function createShareLinks({ db, publicUrl, ttlHours }: { db: Db; publicUrl: string; ttlHours: number }) {
  async function creatorEmail(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    return (await findUser(db, userId))?.email ?? null;
  }

  return {
    async create(account: AccountRow, createdBy: string): Promise<{ url: string; expiresAt: string }> {
      const now = new Date();
      const token = randomToken('r');
      const expiresAt = new Date(now.getTime() + ttlHours * 3600_000).toISOString();
      await db.transaction().execute(async (trx) => {
        // Only the last manual link: an incident's link, in chat messages already, stays.
        await trx.updateTable('share_links').set({ revoked_at: now.toISOString() }).where('account_id', '=', account.id).where('kind', '=', 'manual').where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
        await trx
          .insertInto('share_links')
          .values({ id: newId('shl'), account_id: account.id, token_hash: hashToken(token), created_by: createdBy, created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null, used_at: null })
          .execute();
      });
      return { url: `${publicUrl}/r/${token}`, expiresAt };
    },

    /** Revokes every live link of the account, manual and incident (`DELETE …/share-link`); answers how many were live. */
    revoke: (accountId: string, trx: Db = db) => revokeEveryLink(trx, accountId),

    /** Reads a link without changing anything: chat apps open pasted links to build previews. */
    async lookup(token: string): Promise<LinkFound | LinkRefusal> {
      const link = await db.selectFrom('share_links').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!link) return { failure: 'unknown', creatorEmail: null };
      const creator = await creatorEmail(link.created_by);
      if (link.used_at || link.revoked_at) {
        // A link opened again after the mailbox was fixed: say so, rather than show an error.
        const now = await findAccount(db, link.account_id);
        const connectedEmail = now?.state === 'connected' ? now.email : undefined;
        return { failure: link.used_at ? 'used' : 'revoked', creatorEmail: creator, ...(connectedEmail ? { connectedEmail } : {}) };
      }
      if (link.expires_at < new Date().toISOString()) return { failure: 'expired', creatorEmail: creator };
      const account = await findAccount(db, link.account_id);
      // The mailbox went with its links (they cascade): this one is as good as unknown.
      if (!account) return { failure: 'unknown', creatorEmail: null };
      return { link, account, creatorEmail: creator };
    },

    /** Uses the link up inside the re-grant's transaction; false when it died meanwhile. */
    async consume(trx: Db, linkId: string): Promise<boolean> {
      const now = new Date().toISOString();
      const result = await trx
        .updateTable('share_links')
        .set({ used_at: now })
        .where('id', '=', linkId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    creatorEmail,
  };
}

export type ShareLinks = ReturnType<typeof createShareLinks>;
