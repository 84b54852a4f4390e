/**
 * A start is when Regrant's own settings may have changed (a new client secret, a provider
 * configured): mailboxes held by an operator cause are checked again at once, so a fixed
 * setting clears them, and the admins hear it is resolved, without anyone pressing a button.
 * Only the schedule moves; the state stays with accounts/transition.ts.
 *
 * @example await recheckOperatorCauses(db, new Date()); // → how many mailboxes were rescheduled
 */
import { OPERATOR_CODES } from '../alerts/audience.ts';
import type { Db } from '../db/index.ts';

export async function recheckOperatorCauses(db: Db, now: Date): Promise<number> {
  const result = await db
    .updateTable('accounts')
    .set({ next_check_at: now.toISOString() })
    .where('state', '=', 'needs_reauth')
    .where('reason_code', 'in', OPERATOR_CODES)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
