/**
 * Incident links: the one share link of a mailbox's incident, shown in every message about it
 * (each person's alert email, the mailbox's own, reminders, webhooks and chat messages), so that
 * whoever presses it first fixes the mailbox for everyone. It is made in the transaction that
 * moves the mailbox to needs_reauth; its token is sealed with SECRET_KEY so a later message can
 * show it again; a message written after it expired, while the mailbox is still broken, makes
 * the next one. A custom mailbox's incident link is its repair link (same `/r/` URL). A cause
 * only an administrator can fix gets none: a re-grant or a new password would not help.
 * Reconnecting the mailbox, by any path, revokes it with every other link (`revokeAll`).
 *
 * @example
 *   const links = createIncidentLinks({ sealer, publicUrl, ttlHours: 72 });
 *   await links.open(trx, account.id, 'grant_revoked'); // in the transition to needs_reauth
 *   const link = await links.current(trx, account); // { url, expiresAt } or null
 */
import { OPERATOR_CODES } from '../alerts/audience.ts';
import { randomToken, hashToken, type Sealer } from '../crypto/index.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, ShareLinkRow } from '../db/schema.ts';
import { RULES } from '../health/classify.ts';
import { revokeEveryLink } from './share-links.ts';

export interface IncidentLink {
  url: string;
  expiresAt: string;
}

/** Causes only an administrator (of the organisation, or of Regrant) can fix. */
const ADMIN_ONLY = new Set([...RULES.filter((r) => r.verdict === 'admin_action').map((r) => r.code), ...OPERATOR_CODES]);

/** Whether a link can fix a mailbox broken by `code`: false for tenant and operator causes. */
export const linkHelps = (code: string | null): boolean => !ADMIN_ONLY.has(code ?? '');

/** Where an incident link's token is sealed. */
export const tokenContext = (linkId: string) => `share-link:${linkId}`;

export function createIncidentLinks({ sealer, publicUrl, ttlHours }: { sealer: Sealer; publicUrl: string; ttlHours: number }) {
  const shown = (row: Pick<ShareLinkRow, 'id' | 'token_sealed' | 'expires_at'>): IncidentLink => ({ url: `${publicUrl}/r/${sealer.open(row.token_sealed!, tokenContext(row.id))}`, expiresAt: row.expires_at });

  const live = (trx: Db, accountId: string) =>
    trx.selectFrom('share_links').select(['id', 'token_sealed', 'expires_at']).where('account_id', '=', accountId).where('kind', '=', 'incident').where('token_sealed', 'is not', null).where('revoked_at', 'is', null).where('used_at', 'is', null).executeTakeFirst();

  /** A new link, or the one another transaction made a moment ago (one live incident link per mailbox: migration 018). */
  async function make(trx: Db, accountId: string): Promise<IncidentLink> {
    const now = new Date();
    const id = newId('shl');
    const token = randomToken('r');
    const expiresAt = new Date(now.getTime() + ttlHours * 3600_000).toISOString();
    const inserted = await trx
      .insertInto('share_links')
      .values({ id, account_id: accountId, token_hash: hashToken(token), token_sealed: sealer.seal(token, tokenContext(id)), kind: 'incident', created_by: null, created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null, used_at: null })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { url: `${publicUrl}/r/${token}`, expiresAt };
    const other = await live(trx, accountId);
    if (!other) throw new Error(`no incident link for ${accountId}, and none could be made`);
    return shown(other);
  }

  /**
   * Whether the newest incident link of the mailbox's current incident (made at or after it
   * entered needs_reauth) was used or revoked before it expired: an expired one is revoked only
   * after its time, as it is replaced.
   */
  async function killedOnPurpose(trx: Db, mailbox: Pick<AccountRow, 'id' | 'state_changed_at'>): Promise<boolean> {
    const last = await trx
      .selectFrom('share_links')
      .select(['used_at', 'revoked_at', 'expires_at'])
      .where('account_id', '=', mailbox.id)
      .where('kind', '=', 'incident')
      .where('created_at', '>=', mailbox.state_changed_at)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return !!last && (last.used_at !== null || (last.revoked_at !== null && last.revoked_at < last.expires_at));
  }

  return {
    /** A new incident caused by `code`: the previous incident's link goes (a manual link stays), a new one is made unless only an administrator can fix it. */
    async open(trx: Db, accountId: string, code: string): Promise<IncidentLink | null> {
      await trx.updateTable('share_links').set({ revoked_at: new Date().toISOString() }).where('account_id', '=', accountId).where('kind', '=', 'incident').where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
      return linkHelps(code) ? make(trx, accountId) : null;
    },

    /**
     * The link a message about `mailbox` shows now: its incident link, or a new one when that
     * expired (or none was made); null when it is not broken, a link cannot fix it, or this
     * incident's link was killed on purpose (DELETE, too many wrong passwords, a new owner):
     * a message must not quietly undo that.
     */
    async current(trx: Db, mailbox: Pick<AccountRow, 'id' | 'state' | 'reason_code' | 'state_changed_at'>): Promise<IncidentLink | null> {
      if (mailbox.state !== 'needs_reauth' || !linkHelps(mailbox.reason_code)) return null;
      const row = await live(trx, mailbox.id);
      const nowIso = new Date().toISOString();
      if (row && row.expires_at > nowIso) return shown(row);
      // Expired: replaced by the next one, which the page of the old one says.
      if (row) await trx.updateTable('share_links').set({ revoked_at: nowIso }).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
      else if (await killedOnPurpose(trx, mailbox)) return null;
      return make(trx, mailbox.id);
    },

    /** Reconnected, by whatever path: every live link of the mailbox, manual and incident, has done its job. */
    revokeAll: revokeEveryLink,
  };
}

export type IncidentLinks = ReturnType<typeof createIncidentLinks>;
