/**
 * The tries of custom mailboxes' repair links: every password sent through one to the
 * mailbox's servers is written down before its sign-in runs, so that parallel requests cannot
 * slip past the count. A link allows LINK_TRIES wrong passwords, a mailbox MAILBOX_TRIES in
 * 24 hours across all its links; the try after that kills the link. A try that passed, or
 * reached no server (nothing was guessed), is forgotten.
 *
 * @example
 *   const t = await tries.reserve(link, new Date());
 *   if (t.over) return kill(link, t.over);
 *   ok ? await tries.forget(t.id, trx) : await tries.settle(t.id, 'wrong');
 */
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { ShareLinkRow } from '../db/schema.ts';

/** Wrong passwords one repair link takes. */
export const LINK_TRIES = 5;
/** Wrong passwords one mailbox takes in DAY_MS, whatever link they came through. */
export const MAILBOX_TRIES = 10;
const DAY_MS = 24 * 3600_000;

/** Which allowance is used up: the link's own, or the mailbox's for the day. */
export type SpentBy = 'link' | 'mailbox';

export interface Reserved {
  id: string;
  /** The allowance this try went past: it must not be tried, and the link dies. */
  over: SpentBy | null;
  /** Wrong tries the link still allows after this one, should it be wrong. */
  left: number;
}

export function createRepairTries(db: Db) {
  async function counts(link: Pick<ShareLinkRow, 'id' | 'account_id'>, now: Date): Promise<{ link: number; mailbox: number }> {
    const since = new Date(now.getTime() - DAY_MS).toISOString();
    const [onLink, onMailbox] = await Promise.all([
      db.selectFrom('repair_tries').select((eb) => eb.fn.countAll<number>().as('n')).where('share_link_id', '=', link.id).executeTakeFirstOrThrow(),
      db.selectFrom('repair_tries').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', link.account_id).where('at', '>', since).executeTakeFirstOrThrow(),
    ]);
    return { link: Number(onLink.n), mailbox: Number(onMailbox.n) };
  }

  // The mailbox's allowance first: when both are used up, the owner must hear that new links are blocked too.
  const spentBy = (c: { link: number; mailbox: number }, linkMax: number, mailboxMax: number): SpentBy | null =>
    c.mailbox > mailboxMax ? 'mailbox' : c.link > linkMax ? 'link' : null;

  return {
    /** Reads only (the page a GET shows): whether the link takes no more tries. */
    async spent(link: Pick<ShareLinkRow, 'id' | 'account_id'>, now = new Date()): Promise<SpentBy | null> {
      return spentBy(await counts(link, now), LINK_TRIES - 1, MAILBOX_TRIES - 1);
    },

    /**
     * Writes the try (its own statement, committed) and only then counts: of tries made at
     * once, each sees at least those written before it, so no more than the allowance pass.
     */
    async reserve(link: Pick<ShareLinkRow, 'id' | 'account_id'>, now = new Date()): Promise<Reserved> {
      const id = newId('rpt');
      await db.insertInto('repair_tries').values({ id, account_id: link.account_id, share_link_id: link.id, at: now.toISOString(), outcome: 'testing' }).execute();
      const c = await counts(link, now);
      return { id, over: spentBy(c, LINK_TRIES, MAILBOX_TRIES), left: Math.max(0, Math.min(LINK_TRIES - c.link, MAILBOX_TRIES - c.mailbox)) };
    },

    /** The servers refused the password (`wrong`), or it went past the allowance and was never tried (`refused`): the try stays counted. */
    async settle(id: string, outcome: 'wrong' | 'refused'): Promise<void> {
      await db.updateTable('repair_tries').set({ outcome }).where('id', '=', id).execute();
    },

    /** The try passed, or reached no server: it is no guess. */
    async forget(id: string, trx: Db = db): Promise<void> {
      await trx.deleteFrom('repair_tries').where('id', '=', id).execute();
    },

    /** Kills one link (the other links of the mailbox stay); false when it was dead already. */
    async revokeLink(trx: Db, linkId: string, now = new Date()): Promise<boolean> {
      const result = await trx.updateTable('share_links').set({ revoked_at: now.toISOString() }).where('id', '=', linkId).where('revoked_at', 'is', null).where('used_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type RepairTries = ReturnType<typeof createRepairTries>;
