/**
 * Who may sign in, and as whom. In order:
 * 1. a provider identity bound to a user before (Google `sub`, Microsoft `tid:oid`);
 * 2. an address that is proven: an emailed code; Google's `email` with `email_verified`;
 *    Microsoft's `email` only from a tenant of MICROSOFT_SIGNIN_TENANTS or with `xms_edov`
 *    (the claim is a directory attribute any tenant admin can set, so it proves nothing else);
 * 3. that address is a user already, or holds an open invitation (joins with its role), or is
 *    at a SIGNIN_DOMAINS domain (joins as a member; Google also needs `hd` to be that domain)
 *    and was not removed since.
 * A provider identity is bound at its first sign-in, so later sign-ins need no address at all.
 *
 * @example const user = await whoMaySignIn(db, config.signin, { kind: 'email', email: 'bo@acme.test' });
 */
import type { SigninConfig } from '../config/index.ts';
import { joinUser, openInvite, wasRemoved } from '../auth/members.ts';
import { findUserByEmail } from '../auth/repository.ts';
import type { Db } from '../db/index.ts';
import { SigninRefused } from './errors.ts';
import type { VerifiedPerson } from './oidc.ts';

export type Claimant = VerifiedPerson | { provider: 'email'; email: string };

const NOT_ALLOWED = 'This address cannot sign in to this workspace. Ask an admin to invite you.';

/** The address the claimant has proven, or a refusal saying why it is not proof. */
function provenEmail(who: Claimant, config: SigninConfig): string {
  if (who.provider === 'email') return who.email;
  if (!who.email) throw new SigninRefused('not_allowed', `Your ${who.provider === 'google' ? 'Google' : 'Microsoft'} account has no email address to sign in with.`);
  if (who.provider === 'google' && !who.emailVerified) {
    throw new SigninRefused('unverified_email', `Google has not verified ${who.email} for this account, so it cannot be used to sign in. Verify the address with Google, or sign in with an emailed code.`);
  }
  if (who.provider === 'microsoft' && !who.emailVerified && !config.microsoftTenants.includes(who.tenant ?? '')) {
    throw new SigninRefused('untrusted_tenant', `Your Microsoft directory is not one this workspace trusts to vouch for ${who.email}. Sign in with an emailed code once, or ask an admin to add your tenant to MICROSOFT_SIGNIN_TENANTS.`);
  }
  return who.email;
}

export async function whoMaySignIn(db: Db, config: SigninConfig, who: Claimant): Promise<{ id: string; email: string }> {
  if (who.provider !== 'email') {
    const bound = await db
      .selectFrom('signin_identities')
      .innerJoin('users', 'users.id', 'signin_identities.user_id')
      .select(['users.id', 'users.email'])
      .where('signin_identities.provider', '=', who.provider)
      .where('signin_identities.subject', '=', who.subject)
      .executeTakeFirst();
    if (bound) return bound;
  }
  const email = provenEmail(who, config);
  const name = who.provider === 'email' ? null : who.name;
  return db.transaction().execute(async (trx) => {
    let user: { id: string; email: string } | undefined = await findUserByEmail(trx, email);
    if (!user) {
      const invite = await openInvite(trx, email);
      const domain = email.split('@')[1] ?? '';
      if (invite) {
        user = await joinUser(trx, { email, name }, invite.id);
      } else if (config.domains.includes(domain)) {
        if (who.provider === 'google' && who.hostedDomain !== domain) {
          throw new SigninRefused('wrong_domain', `${email} is not an account of the ${domain} Google Workspace (${who.hostedDomain ? `it belongs to ${who.hostedDomain}` : 'it is a personal Google account'}). Sign in with your ${domain} work account.`);
        }
        if (await wasRemoved(trx, email)) throw new SigninRefused('not_allowed', `${email} was removed from this workspace. Ask an admin to invite you again.`);
        user = await joinUser(trx, { email, name }, null);
      } else {
        throw new SigninRefused('not_allowed', NOT_ALLOWED);
      }
    }
    if (who.provider !== 'email') {
      await trx
        .insertInto('signin_identities')
        .values({ provider: who.provider, subject: who.subject, user_id: user.id, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
        .execute();
    }
    return user;
  });
}
