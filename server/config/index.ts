/**
 * Configuration from the environment and an optional `.env` file, checked once at start-up.
 *
 * @example
 *   const config = loadConfig(process.env); // throws ConfigError('PORT must be ...')
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseAllowedRanges, type AllowedRange } from '../net/ranges.ts';
import { signinConfig, type SigninConfig } from './signin.ts';

export type { SigninConfig } from './signin.ts';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string;
  /** Connections to PostgreSQL this process may hold (DATABASE_POOL_SIZE); unused with SQLite. */
  databasePoolSize: number;
  secretKey: Buffer | null;
  notifySmtpUrl: string | null;
  notifyFrom: string;
  checkIntervalSeconds: number;
  checkConcurrency: number;
  checkTimeoutSeconds: number;
  workspaceName: string;
  shareLinkTtlHours: number;
  sendRatePerMinute: number | null;
  /** Mailboxes one member may own (MAX_MAILBOXES_PER_MEMBER); admins have no limit. */
  maxMailboxesPerMember: number;
  /** Internal ranges mailbox hosts and webhook URLs may reach (ALLOW_PRIVATE_HOSTS); empty: none. */
  allowPrivateHosts: AllowedRange[];
  google: GoogleConfig;
  microsoft: MicrosoftConfig;
  log: { level: LogLevel; format: LogFormat };
  /** null: no `/metrics`. Its bearer token, wherever it is served. */
  metricsToken: string | null;
  /** null: `/metrics` on the main port; else on this port of 127.0.0.1 only. */
  metricsPort: number | null;
  /** Who may sign in without the command line, and which extensions a sign-in may return to. */
  signin: SigninConfig;
  alerts: AlertTimers;
}

/** How alerts are grouped per person (server/alerts/). */
export interface AlertTimers {
  /** ALERT_GROUP_WAIT_SECONDS: a person's group of losses is sent this long after it opened. */
  groupWaitSeconds: number;
  /** ALERT_GROUP_INTERVAL_SECONDS: further losses wait this long after that person's last alert. */
  groupIntervalSeconds: number;
  /** ALERT_REMINDER_HOURS: a summary this long after a person's last alert while something stays broken; 0: none. */
  reminderHours: number;
  /** ALERT_TIMEZONE: an IANA time zone for the times in alerts. */
  timeZone: string;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface GoogleConfig {
  /** null: Google mailboxes cannot be connected; the API and pages say what to set. */
  clientId: string | null;
  clientSecret: string | null;
  authUrl: string;
  tokenUrl: string;
  /** Root of the Gmail API (the Gmail client's rootUrl), ending in a slash. */
  apiUrl: string;
}

export interface MicrosoftConfig {
  clientId: string | null;
  clientSecret: string | null;
  tenant: string;
  loginUrl: string;
  imapUrl: string;
  smtpUrl: string;
}

/** A wrong setting: `variable` names it, `message` says what is wrong in one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` in `dir` (if any) under the real environment, which wins. */
export function environmentWithDotenv(env: Env, dir = process.cwd()): Env {
  const file = path.join(dir, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL such as ' + `${protocols[0]}//host`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')} (got ${parsed.protocol}//)`);
  }
  return raw.replace(/\/+$/, '');
}

function secretKey(env: Env): Buffer | null {
  const raw = env.SECRET_KEY?.trim();
  if (!raw) return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    throw new ConfigError('SECRET_KEY', 'must be 32 random bytes in base64 (openssl rand -base64 32)');
  }
  return key;
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (!choices.includes(raw as T)) throw new ConfigError(name, `must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw as T;
}

function metricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN?.trim();
  if (!raw) return null;
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters without spaces (openssl rand -hex 24)');
  return raw;
}

/** Builds the configuration, or throws a ConfigError naming the first wrong variable. */
export function loadConfig(env: Env): Config {
  const port = int(env, 'PORT', 8787, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const databaseUrl = env.DATABASE_URL?.trim() || `sqlite://${path.join(dataDir, 'regrant.sqlite')}`;
  const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);
  if (!postgres && !databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError('DATABASE_URL', 'must start with sqlite:// (a file path after it), postgres:// or postgresql://');
  }
  if (postgres) checkPostgresUrl(databaseUrl);
  // Instances sharing a database must share the key that seals its secrets: a key generated
  // into one machine's DATA_DIR would leave the others unable to read them.
  if (postgres && !env.SECRET_KEY?.trim()) {
    throw new ConfigError('SECRET_KEY', 'is required with PostgreSQL, the same on every instance: make one with `openssl rand -base64 32` and set it everywhere');
  }
  const notifyFrom = env.NOTIFY_FROM?.trim() || 'Regrant <regrant@localhost>';
  if (!/@/.test(notifyFrom)) throw new ConfigError('NOTIFY_FROM', `must be an email address (got "${notifyFrom}")`);
  const rate = env.SEND_RATE_PER_MINUTE?.trim();
  if (env.METRICS_PORT?.trim() && !env.METRICS_TOKEN?.trim()) throw new ConfigError('METRICS_PORT', 'needs METRICS_TOKEN too: /metrics is only served with a token');
  return {
    port,
    host,
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:'])!,
    dataDir,
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 2, 1000),
    secretKey: secretKey(env),
    notifySmtpUrl: url(env, 'NOTIFY_SMTP_URL', null, ['smtp:', 'smtps:']),
    notifyFrom,
    checkIntervalSeconds: int(env, 'CHECK_INTERVAL_SECONDS', 300, 5, 86_400),
    checkConcurrency: int(env, 'CHECK_CONCURRENCY', 50, 1, 1000),
    checkTimeoutSeconds: int(env, 'CHECK_TIMEOUT_SECONDS', 30, 1, 600),
    workspaceName: env.WORKSPACE_NAME?.trim() || 'Regrant',
    shareLinkTtlHours: int(env, 'SHARE_LINK_TTL_HOURS', 72, 1, 24 * 90),
    sendRatePerMinute: rate ? int(env, 'SEND_RATE_PER_MINUTE', 0, 1, 100_000) : null,
    maxMailboxesPerMember: int(env, 'MAX_MAILBOXES_PER_MEMBER', 500, 1, 1_000_000),
    allowPrivateHosts: allowedRanges(env),
    google: {
      ...clientPair(env, 'GOOGLE'),
      authUrl: url(env, 'GOOGLE_AUTH_URL', 'https://accounts.google.com/o/oauth2/v2/auth', ['https:', 'http:'])!,
      tokenUrl: url(env, 'GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token', ['https:', 'http:'])!,
      apiUrl: url(env, 'GOOGLE_API_URL', 'https://gmail.googleapis.com', ['https:', 'http:'])! + '/',
    },
    log: { level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'), format: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, 'json') },
    metricsToken: metricsToken(env),
    metricsPort: env.METRICS_PORT?.trim() ? int(env, 'METRICS_PORT', 0, 1, 65535) : null,
    signin: signinConfig(env),
    alerts: {
      groupWaitSeconds: int(env, 'ALERT_GROUP_WAIT_SECONDS', 60, 0, 86_400),
      groupIntervalSeconds: int(env, 'ALERT_GROUP_INTERVAL_SECONDS', 300, 0, 7 * 86_400),
      reminderHours: int(env, 'ALERT_REMINDER_HOURS', 24, 0, 24 * 365),
      timeZone: timeZone(env),
    },
    microsoft: {
      ...clientPair(env, 'MICROSOFT'),
      tenant: tenant(env),
      loginUrl: url(env, 'MICROSOFT_LOGIN_URL', 'https://login.microsoftonline.com', ['https:', 'http:'])!,
      imapUrl: url(env, 'MICROSOFT_IMAP_URL', 'imaps://outlook.office365.com:993', ['imaps:', 'imap:'])!,
      smtpUrl: url(env, 'MICROSOFT_SMTP_URL', 'smtp://smtp.office365.com:587', ['smtp:', 'smtps:'])!,
    },
  };
}

function checkPostgresUrl(raw: string): void {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a URL such as postgres://user:password@host:5432/regrant');
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) throw new ConfigError('DATABASE_URL', 'must name the PostgreSQL host (postgres://user:password@host:5432/regrant)');
  if (parsed.pathname.length <= 1) throw new ConfigError('DATABASE_URL', 'must name the database after the host (postgres://user:password@host:5432/regrant)');
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode && !['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'].includes(sslmode)) {
    throw new ConfigError('DATABASE_URL', `sslmode must be disable, prefer, require, verify-ca, verify-full or no-verify (got "${sslmode}")`);
  }
}

/** Both halves of an OAuth client, or neither: one without the other is a mistake worth stopping for. */
function clientPair(env: Env, prefix: 'GOOGLE' | 'MICROSOFT') {
  const clientId = env[`${prefix}_CLIENT_ID`]?.trim() || null;
  const clientSecret = env[`${prefix}_CLIENT_SECRET`]?.trim() || null;
  if (clientId && !clientSecret) throw new ConfigError(`${prefix}_CLIENT_SECRET`, `must be set when ${prefix}_CLIENT_ID is`);
  if (clientSecret && !clientId) throw new ConfigError(`${prefix}_CLIENT_ID`, `must be set when ${prefix}_CLIENT_SECRET is`);
  return { clientId, clientSecret };
}

function allowedRanges(env: Env): AllowedRange[] {
  try {
    return parseAllowedRanges(env.ALLOW_PRIVATE_HOSTS ?? '');
  } catch (error) {
    throw new ConfigError('ALLOW_PRIVATE_HOSTS', `must be CIDR ranges separated by commas: ${(error as Error).message}`);
  }
}

/** An IANA zone Intl knows ("Europe/Berlin"), checked here so a typo stops the start, not an alert. */
function timeZone(env: Env): string {
  const raw = env.ALERT_TIMEZONE?.trim() || 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError('ALERT_TIMEZONE', `must be a time zone such as UTC or Europe/Berlin (got "${raw}")`);
  }
}

function tenant(env: Env): string {
  const raw = env.MICROSOFT_TENANT?.trim() || 'common';
  if (!/^[A-Za-z0-9.-]+$/.test(raw)) {
    throw new ConfigError('MICROSOFT_TENANT', `must be common, organizations, consumers, a tenant id or a domain (got "${raw}")`);
  }
  return raw;
}
