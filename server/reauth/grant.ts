/**
 * Writes a finished consent: a new Google/Microsoft account, or a re-granted one. One
 * transaction holds the sealed refresh token, the state (through accounts' one writer of a
 * mailbox's state, so a re-grant is a transition like any other: event, notice, status
 * version, the revocation of every other link of the mailbox), the used-up share link; any
 * refusal inside rolls all of it back.
 *
 * @example
 *   await storeRegrant(deps, { attempt, account, refreshToken, providerLabel: 'Google' });
 *   const id = await storeNewAccount(deps, { ownerId, provider: 'google', email, refreshToken, providerLabel: 'Google' });
 */
import type { Accounts } from '../accounts/index.ts';
import { newAccountRow } from '../accounts/new-row.ts';
import { findAccount } from '../accounts/repository.ts';
import { findUser } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../db/ids.ts';
import type { AccountRow, OAuthAttemptRow } from '../db/schema.ts';
import type { ShareLinks } from './share-links.ts';

export interface GrantDeps {
  db: Db;
  accounts: Pick<Accounts, 'transition' | 'admit' | 'sealRefreshToken'>;
  links: ShareLinks;
}

/** The share link died between the button and the callback (revoked, expired, used). */
export class LinkGone extends Error {}

/** Re-grants `account` with a new refresh token: connected, with its event and the notice to its owner (and the link's creator). */
export async function storeRegrant(deps: GrantDeps, g: { attempt: OAuthAttemptRow; account: AccountRow; refreshToken: string; providerLabel: string }): Promise<void> {
  const { db, accounts, links } = deps;
  const nowIso = new Date().toISOString();
  const { attempt, account } = g;
  const actor = attempt.user_id ? await findUser(db, attempt.user_id) : undefined;
  // An incident link (in the alerts) has no creator: nobody made it by hand.
  const sharedBy = attempt.user_id ? `a share link created by ${actor?.email ?? 'a former user'}` : 'a share link from an alert';
  const by = attempt.purpose === 'share' ? sharedBy : `a re-grant by ${actor?.email ?? 'a former user'}`;

  await db.transaction().execute(async (trx) => {
    // Used up before the transition, which revokes every other live link of the mailbox.
    if (attempt.purpose === 'share' && (!attempt.share_link_id || !(await links.consume(trx, attempt.share_link_id)))) throw new LinkGone();
    const current = (await findAccount(trx, account.id)) ?? account;
    const t = await accounts.transition(
      trx,
      current,
      { kind: 'regranted', providerLabel: g.providerLabel, by, alsoTell: attempt.purpose === 'share' ? actor?.email : null },
      { set: { oauth_refresh_token: accounts.sealRefreshToken(account.id, g.refreshToken), updated_at: nowIso } },
    );
    if (!t.after) throw new Error(`account ${account.id} was removed during its re-grant`);
  });
}

/** Creates a connected Google/Microsoft account owned by `ownerId`; answers its id. Refuses a known address (account_exists). */
export async function storeNewAccount(deps: GrantDeps, g: { ownerId: string; provider: 'google' | 'microsoft'; email: string; refreshToken: string; providerLabel: string }): Promise<string> {
  const id = newId('acc');
  const row = {
    ...newAccountRow({ id, email: g.email, ownerId: g.ownerId, provider: g.provider, now: new Date().toISOString() }),
    oauth_refresh_token: deps.accounts.sealRefreshToken(id, g.refreshToken),
  };
  await deps.db.transaction().execute((trx) => deps.accounts.admit(trx, [row], { kind: 'connected', providerLabel: g.providerLabel }));
  return id;
}

/**
 * Turns a custom (password) mailbox into a Google/Microsoft one with a new grant, in place: its
 * owner, history and held emails stay; its password settings go, and its repair links with the
 * transition (a re-grant revokes every link).
 */
export async function replaceWithGrant(deps: GrantDeps, g: { account: AccountRow; provider: 'google' | 'microsoft'; refreshToken: string; providerLabel: string; by: string }): Promise<void> {
  const { db, accounts } = deps;
  await db.transaction().execute(async (trx) => {
    const current = (await findAccount(trx, g.account.id)) ?? g.account;
    const none = { host: null, port: null, security: null, username: null, password: null };
    const cleared = Object.fromEntries((['smtp', 'imap'] as const).flatMap((part) => Object.entries(none).map(([k, v]) => [`${part}_${k}`, v])));
    const t = await accounts.transition(
      trx,
      current,
      { kind: 'regranted', providerLabel: g.providerLabel, by: g.by },
      { set: { ...cleared, provider: g.provider, oauth_refresh_token: accounts.sealRefreshToken(g.account.id, g.refreshToken), updated_at: new Date().toISOString() } },
    );
    if (!t.after) throw new Error(`account ${g.account.id} was removed while it was being replaced`);
  });
}
