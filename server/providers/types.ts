/**
 * What every mailbox provider offers the rest of the server. Providers differ; the health
 * engine, the API and the alerts do not care which one they talk to.
 */
import type { ProviderKind, Security } from '../../shared/api.ts';
import type { Failure } from './errors.ts';

export interface ServerSettings {
  host: string;
  port: number;
  security: Security;
  username: string;
  password: string;
}

/** An account with its secrets opened, handed to a provider and nowhere else. */
export interface MailboxCredentials {
  id: string;
  email: string;
  provider: ProviderKind;
  smtp: ServerSettings | null;
  imap: ServerSettings | null;
  refreshToken: string | null;
}

export interface CheckContext {
  signal: AbortSignal;
  /** Each network step (connect, greeting, one command) gives up after this long. */
  timeoutMs: number;
  /**
   * Stores a refresh token the provider rotated during the check (Microsoft answers a new
   * one with every refresh). Resolves once it is saved.
   */
  rotatedRefreshToken?: (token: string) => Promise<void>;
}

/** A check's outcome: ok, or the raw failures for the classifier to judge. */
export type CheckResult = { ok: true } | { ok: false; failures: Failure[] };

/** One email ready to go: the envelope and the whole MIME message. */
export interface OutgoingMail {
  from: string;
  to: string;
  raw: Buffer;
}

/** A signed-in sending session for a run of emails (one SMTP connection, one access token). */
export interface SendSession {
  /** Resolves once the provider accepted the email; throws a ProviderFailure otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Where an inbox scan stopped, in the provider's own terms (IMAP UIDVALIDITY and last UID,
 * a Gmail historyId). Stored as JSON and handed back unchanged.
 */
export type MailPosition = Record<string, string | number>;

export interface ScanRequest {
  /** null: never scanned; look at mail received since `since`. */
  position: MailPosition | null;
  since: Date;
  /** Called with each new mail in arrival order; a scan waits for it. */
  onMail(raw: Buffer): Promise<void>;
  /**
   * Called when every mail up to `position` was handed to onMail: a long catch-up cut short
   * goes on from there next time instead of starting over.
   */
  onProgress?(position: MailPosition): Promise<void>;
}

export interface Provider {
  kind: ProviderKind;
  check(mailbox: MailboxCredentials, ctx: CheckContext): Promise<CheckResult>;
  /** Signs in for sending; a refused sign-in throws a ProviderFailure. */
  openSender(mailbox: MailboxCredentials, ctx: CheckContext): Promise<SendSession>;
  /**
   * Reads the inbox's mail that arrived after `position` (all of it when the provider's
   * bookmark no longer holds, such as a changed UIDVALIDITY), answering the new position.
   * Throws a ProviderFailure.
   */
  scan(mailbox: MailboxCredentials, request: ScanRequest, ctx: CheckContext): Promise<MailPosition>;
}

/** What a finished consent gives us: the tokens, the scopes the person actually granted. */
export interface TokenGrant {
  accessToken: string;
  refreshToken: string | null;
  grantedScopes: string[];
  idToken: string | null;
}

export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
  redirectUri: string;
  /** The mailbox we expect, so the provider pre-selects it. */
  loginHint: string | null;
}

/** Google and Microsoft: a provider whose mailboxes sign in through an OAuth consent screen. */
export interface OAuthProvider extends Provider {
  kind: 'google' | 'microsoft';
  /** "Google", "Microsoft": for buttons and pages. */
  label: string;
  /** Scopes without which Regrant cannot send or read; a grant lacking one is refused. */
  requiredScopes: string[];
  /** Origin of the consent screen, for the pages' Content-Security-Policy (form-action). */
  consentOrigin: string;
  authorizationUrl(request: AuthorizationRequest): string;
  exchange(code: string, codeVerifier: string, redirectUri: string): Promise<TokenGrant>;
  /** The mailbox address the grant belongs to, as the provider says it. */
  identity(grant: TokenGrant): Promise<string>;
  /**
   * Proves the grant opens `email` itself, when the identity the provider states is not proof
   * enough (Microsoft's `email` claim is a directory attribute any tenant admin can set).
   * Throws the mail server's refusal.
   */
  confirmMailbox?(grant: TokenGrant, email: string): Promise<void>;
  /** Revokes a grant Regrant refused (wrong mailbox, missing permissions), where the provider allows it. */
  discard?(grant: TokenGrant): Promise<void>;
}
