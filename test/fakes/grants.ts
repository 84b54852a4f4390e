/**
 * What a provider remembers between requests: authorization codes, grants (one consent of a
 * mailbox to a client, holding its scopes and current refresh token) and access tokens.
 * Revoking a grant kills its refresh token and every access token issued from it.
 *
 * @example
 *   const store = new GrantStore(Date.now);
 *   const grant = store.newGrant('ann@acme.test', 'client-1', ['openid'], 'rt-1');
 *   store.issueAccess(grant, 'at-1', 3599);
 *   store.activeAccess('at-1')?.email // 'ann@acme.test'
 */

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  email: string;
  scopes: string[];
  /** A refresh token comes with the tokens (Google: access_type=offline; Microsoft: offline_access). */
  offline: boolean;
  issuedAt: number;
  used: boolean;
  /** Microsoft: the tenant segment the code was issued under. */
  tenant?: string;
  /** The authorization request's `nonce`, repeated in the id_token. */
  nonce?: string;
}

export interface Grant {
  email: string;
  clientId: string;
  scopes: string[];
  refreshToken: string | null;
  revoked: boolean;
  issuedAt: number;
}

export interface AccessToken {
  token: string;
  email: string;
  scopes: string[];
  expiresAt: number;
  grant: Grant;
}

export type RefreshLookup =
  | { state: 'current'; grant: Grant }
  /** Replaced by a newer refresh token (Microsoft rotation). */
  | { state: 'rotated'; grant: Grant }
  | { state: 'revoked'; grant: Grant }
  | { state: 'unknown' };

/** Both providers let an authorization code be redeemed for 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60_000;

export class GrantStore {
  readonly codes = new Map<string, AuthCode>();
  private readonly grants: Grant[] = [];
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(private readonly now: () => number) {}

  newGrant(email: string, clientId: string, scopes: string[], refreshToken: string | null): Grant {
    const grant: Grant = { email, clientId, scopes, refreshToken, revoked: false, issuedAt: this.now() };
    this.grants.push(grant);
    if (refreshToken) this.refreshTokens.set(refreshToken, grant);
    return grant;
  }

  issueAccess(grant: Grant, token: string, lifetimeSeconds: number): AccessToken {
    const access: AccessToken = { token, email: grant.email, scopes: grant.scopes, expiresAt: this.now() + lifetimeSeconds * 1000, grant };
    this.accessTokens.set(token, access);
    return access;
  }

  lookupRefresh(token: string | null): RefreshLookup {
    const grant = token ? this.refreshTokens.get(token) : undefined;
    if (!grant) return { state: 'unknown' };
    if (grant.revoked) return { state: 'revoked', grant };
    if (grant.refreshToken !== token) return { state: 'rotated', grant };
    return { state: 'current', grant };
  }

  /** Swaps the grant's refresh token; the old one is remembered so it can be refused by name. */
  rotate(grant: Grant, next: string): void {
    grant.refreshToken = next;
    this.refreshTokens.set(next, grant);
  }

  /** Any access token ever issued, live or not (to say whose it was). */
  findAccess(token: string | null): AccessToken | undefined {
    return token ? this.accessTokens.get(token) : undefined;
  }

  /** An access token that still works: known, unexpired, its grant not revoked. */
  activeAccess(token: string | null): AccessToken | undefined {
    const access = this.findAccess(token);
    if (!access || access.grant.revoked || access.expiresAt <= this.now()) return undefined;
    return access;
  }

  /** Whether the mailbox has a live grant for the client carrying a refresh token. */
  hasOfflineGrant(email: string, clientId: string): boolean {
    return this.grants.some((g) => g.email === email && g.clientId === clientId && !g.revoked && g.refreshToken);
  }

  revokeMailbox(email: string): void {
    for (const grant of this.grants) if (grant.email === email) grant.revoked = true;
  }

  /**
   * Revokes the authorization behind a live refresh or access token: like Google, every grant
   * of that mailbox to that client ends, not only the one token. Null when the token is dead.
   */
  revokeToken(token: string): Grant | null {
    const refresh = this.lookupRefresh(token);
    const grant = refresh.state === 'current' ? refresh.grant : this.activeAccess(token)?.grant;
    if (!grant) return null;
    for (const g of this.grants) if (g.email === grant.email && g.clientId === grant.clientId) g.revoked = true;
    return grant;
  }

  validRefreshTokens(email: string): string[] {
    return this.grants.filter((g) => g.email === email && !g.revoked && g.refreshToken).map((g) => g.refreshToken!);
  }
}
