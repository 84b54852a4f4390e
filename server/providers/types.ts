/**
 * What every mailbox provider offers the rest of the server. Providers differ; the health
 * engine, the API and the alerts do not care which one they talk to.
 */
import type { ProviderKind, Security } from '../../shared/api.ts';
import type { Failure } from '../health/classify.ts';

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
}

/** A check's outcome: ok, or the raw failures for the classifier to judge. */
export type CheckResult = { ok: true } | { ok: false; failures: Failure[] };

export interface Provider {
  kind: ProviderKind;
  check(mailbox: MailboxCredentials, ctx: CheckContext): Promise<CheckResult>;
}
