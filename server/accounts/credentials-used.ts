/**
 * What a send or an inbox scan signed in with: the account row's `updated_at` and a digest of
 * its secrets (password settings, refresh token). A failure it finds is about the mailbox only
 * while the row still holds the same: a password entered or a re-grant made meanwhile has not
 * been tried yet, and must not be judged by the old one's refusal.
 *
 * @example
 *   const login = signIn(accounts, row);
 *   await provider.openSender(login.credentials, { …, rotatedRefreshToken: login.rotatedRefreshToken });
 *   await health.recordFinding(row.id, found, login.used);
 */
import { createHash } from 'node:crypto';
import type { AccountRow } from '../db/schema.ts';
import type { MailboxCredentials } from '../providers/types.ts';
import type { Accounts } from './index.ts';

export interface CredentialsUsed {
  updatedAt: string;
  fingerprint: string;
}

/** A digest of the secrets a provider signs in with; never the secrets themselves. */
export function credentialsFingerprint(c: MailboxCredentials): string {
  return createHash('sha256').update(JSON.stringify([c.smtp, c.imap, c.refreshToken])).digest('base64url');
}

/** The row's credentials, and what was used: kept current when the provider rotates the refresh token. */
export function signIn(accounts: Accounts, row: AccountRow) {
  const credentials = accounts.credentials(row);
  const used: CredentialsUsed = { updatedAt: row.updated_at, fingerprint: credentialsFingerprint(credentials) };
  return {
    credentials,
    used,
    async rotatedRefreshToken(token: string): Promise<void> {
      await accounts.storeRotatedRefreshToken(row, token);
      used.fingerprint = credentialsFingerprint({ ...credentials, refreshToken: token });
    },
  };
}
