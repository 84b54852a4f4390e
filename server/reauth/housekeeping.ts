/**
 * Forgets sign-ins and share links nobody can use any more, so the tables stay small: an
 * attempt is dead a day after it was made (its start URL lasts 15 minutes, its state 30), a
 * share link is kept 30 days after it expired, was used or revoked (whom to ask stays known).
 *
 * @example await purgeDeadSignIns(db, new Date());
 */
import type { Db } from '../db/index.ts';

const ATTEMPT_KEPT_MS = 24 * 3600_000;
const LINK_KEPT_MS = 30 * 24 * 3600_000;

export async function purgeDeadSignIns(db: Db, now: Date): Promise<{ attempts: number; links: number }> {
  const attemptCutoff = new Date(now.getTime() - ATTEMPT_KEPT_MS).toISOString();
  const linkCutoff = new Date(now.getTime() - LINK_KEPT_MS).toISOString();
  const attempts = await db.deleteFrom('oauth_attempts').where('created_at', '<', attemptCutoff).executeTakeFirst();
  // The extension's sign-ins (signin/) last 15 minutes; a day later nothing reads them.
  await db.deleteFrom('signin_attempts').where('created_at', '<', attemptCutoff).execute();
  const links = await db
    .deleteFrom('share_links')
    .where((eb) => eb.or([eb('expires_at', '<', linkCutoff), eb('used_at', '<', linkCutoff), eb('revoked_at', '<', linkCutoff)]))
    .executeTakeFirst();
  return { attempts: Number(attempts.numDeletedRows), links: Number(links.numDeletedRows) };
}
