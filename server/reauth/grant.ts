/**
 * Writes a finished consent: a new Google/Microsoft account, or a re-granted one. One
 * transaction holds the sealed refresh token, the state, the event, the used-up share link
 * and the emails to the owner and the link's creator; any refusal inside rolls all of it back.
 *
 * @example await storeGrant(deps, { attempt, account, refreshToken, actorEmail });
 */
import type { Accounts } from '../accounts/index.ts';
import { newAccountRow } from '../accounts/new-row.ts';
import { bumpStatusVersion } from '../accounts/status-version.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, OAuthAttemptRow } from '../db/schema.ts';
import { nextRegular } from '../health/state.ts';
import type { Notifier } from '../notify/index.ts';
import { connectedEmail } from '../notify/connected-email.ts';
import { reconnectedEmail } from '../notify/reconnected-email.ts';
import type { ShareLinks } from './share-links.ts';

export interface GrantDeps {
  db: Db;
  accounts: Accounts;
  links: ShareLinks;
  notifier: Notifier;
  intervalSeconds: number;
  workspaceName: string;
}

/** The share link died between the button and the callback (revoked, expired, used). */
export class LinkGone extends Error {}

/** Re-grants `account` with a new refresh token and marks it connected. */
export async function storeRegrant(
  deps: GrantDeps,
  g: { attempt: OAuthAttemptRow; account: AccountRow; refreshToken: string; providerLabel: string },
): Promise<void> {
  const { db, accounts, links, notifier } = deps;
  const now = new Date();
  const nowIso = now.toISOString();
  const { attempt, account } = g;
  const actor = attempt.user_id ? await db.selectFrom('users').select(['id', 'email']).where('id', '=', attempt.user_id).executeTakeFirst() : undefined;
  const by = attempt.purpose === 'share' ? `a share link created by ${actor?.email ?? 'a former user'}` : `a re-grant by ${actor?.email ?? 'a former user'}`;

  await db.transaction().execute(async (trx) => {
    if (attempt.purpose === 'share' && (!attempt.share_link_id || !(await links.consume(trx, attempt.share_link_id)))) throw new LinkGone();
    // Any other live link for this mailbox has done its job too.
    await links.revoke(account.id, trx);
    await trx
      .updateTable('accounts')
      .set({
        oauth_refresh_token: accounts.sealRefreshToken(account.id, g.refreshToken),
        state: 'connected',
        reason_code: null,
        reason_message: null,
        reason_hint: null,
        transient_failures: 0,
        slow_retries: 0,
        incident_event_id: null,
        last_checked_at: nowIso,
        next_check_at: nextRegular(now, { intervalSeconds: deps.intervalSeconds }),
        ...(account.state !== 'connected' ? { state_changed_at: nowIso } : {}),
        updated_at: nowIso,
      })
      .where('id', '=', account.id)
      .execute();
    const eventId = newId('evt');
    await trx
      .insertInto('account_events')
      .values({ id: eventId, account_id: account.id, at: nowIso, from_state: account.state, to_state: 'connected', reason_code: 'regranted', message: `Re-authenticated with ${g.providerLabel} through ${by}.`, hint: null, detail: null })
      .execute();
    const owner = await trx.selectFrom('users').select('email').where('id', '=', account.owner_id).executeTakeFirst();
    const recipients = [owner?.email, attempt.purpose === 'share' ? actor?.email : undefined].filter((e): e is string => Boolean(e));
    const mail = reconnectedEmail({ email: account.email, provider: g.providerLabel, by, at: nowIso, workspace: deps.workspaceName });
    await notifier.record(trx, { accountId: account.id, eventId, recipients: [...new Set(recipients.map((e) => e.toLowerCase()))], ...mail });
    await bumpStatusVersion(trx, account.owner_id, 'hard', deps.intervalSeconds);
  });
}

/** Creates a connected Google/Microsoft account owned by the attempt's user; answers its id. */
export async function storeNewAccount(
  deps: GrantDeps,
  g: { attempt: OAuthAttemptRow; email: string; refreshToken: string; providerLabel: string },
): Promise<string> {
  const { db, accounts } = deps;
  const now = new Date();
  const nowIso = now.toISOString();
  const id = newId('acc');
  const ownerId = g.attempt.user_id!;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('accounts')
      .values({
        ...newAccountRow({ id, email: g.email, ownerId, provider: g.attempt.provider, now: nowIso }),
        state: 'connected',
        oauth_refresh_token: accounts.sealRefreshToken(id, g.refreshToken),
        last_checked_at: nowIso,
        next_check_at: nextRegular(now, { intervalSeconds: deps.intervalSeconds }),
      })
      .execute();
    const eventId = newId('evt');
    await trx
      .insertInto('account_events')
      .values({ id: eventId, account_id: id, at: nowIso, from_state: 'new', to_state: 'connected', reason_code: 'connected', message: `Connected with ${g.providerLabel}.`, hint: null, detail: null })
      .execute();
    const owner = await trx.selectFrom('users').select('email').where('id', '=', ownerId).executeTakeFirstOrThrow();
    const mail = connectedEmail({ email: g.email, provider: g.providerLabel, owner: owner.email, workspace: deps.workspaceName });
    await deps.notifier.record(trx, { accountId: id, eventId, recipients: [...new Set([g.email, owner.email.toLowerCase()])], ...mail });
    await bumpStatusVersion(trx, ownerId, 'hard', deps.intervalSeconds);
  });
  return id;
}
