/**
 * Configuration: defaults that run with no setup, a `.env` file under the real environment,
 * and a wrong value stopping the server with one line that names the variable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, environmentWithDotenv, loadConfig } from './index.ts';

describe('loadConfig', () => {
  it('runs with nothing set: SQLite in ./data, port 8787 on loopback, checks every 5 minutes', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8787, host: '127.0.0.1', publicUrl: 'http://localhost:8787', checkIntervalSeconds: 300, checkConcurrency: 50, workspaceName: 'Regrant', shareLinkTtlHours: 72, sendRatePerMinute: null, notifySmtpUrl: null, secretKey: null });
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.databaseUrl).toBe(`sqlite://${path.resolve('data', 'regrant.sqlite')}`);
  });

  it('logs JSON from info up, and serves no metrics, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ log: { level: 'info', format: 'json' }, metricsToken: null, metricsPort: null });
    expect(loadConfig({ LOG_LEVEL: 'WARN', LOG_FORMAT: 'pretty', METRICS_TOKEN: 'x'.repeat(20), METRICS_PORT: '9464' })).toMatchObject({ log: { level: 'warn', format: 'pretty' }, metricsToken: 'x'.repeat(20), metricsPort: 9464 });
  });

  it('points Google and Microsoft at their real endpoints, with no client until one is set', () => {
    const c = loadConfig({});
    expect(c.google).toEqual({ clientId: null, clientSecret: null, authUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token', apiUrl: 'https://gmail.googleapis.com/' });
    expect(c.microsoft).toEqual({ clientId: null, clientSecret: null, tenant: 'common', loginUrl: 'https://login.microsoftonline.com', imapUrl: 'imaps://outlook.office365.com:993', smtpUrl: 'smtp://smtp.office365.com:587' });
    const set = loadConfig({ GOOGLE_CLIENT_ID: 'g-id', GOOGLE_CLIENT_SECRET: 'g-secret', GOOGLE_API_URL: 'http://127.0.0.1:9/', MICROSOFT_TENANT: 'contoso.onmicrosoft.com' });
    expect(set.google).toMatchObject({ clientId: 'g-id', clientSecret: 'g-secret', apiUrl: 'http://127.0.0.1:9/' });
    expect(set.microsoft.tenant).toBe('contoso.onmicrosoft.com');
  });

  const KEY = Buffer.alloc(32, 7).toString('base64');
  it('takes PostgreSQL through DATABASE_URL with a shared SECRET_KEY and a pool of 10 unless told', () => {
    const c = loadConfig({ DATABASE_URL: 'postgresql://regrant:pw@db.internal:5432/regrant?sslmode=require', SECRET_KEY: KEY });
    expect(c).toMatchObject({ databaseUrl: 'postgresql://regrant:pw@db.internal:5432/regrant?sslmode=require', databasePoolSize: 10 });
    expect(c.secretKey?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/regrant', SECRET_KEY: KEY, DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
  });

  const wrong: [Record<string, string>, string, RegExp][] = [
    [{ PORT: 'eighty' }, 'PORT', /whole number from 0 to 65535 \(got "eighty"\)/],
    [{ PORT: '70000' }, 'PORT', /65535/],
    [{ CHECK_INTERVAL_SECONDS: '1' }, 'CHECK_INTERVAL_SECONDS', /from 5 to/],
    [{ CHECK_CONCURRENCY: '0' }, 'CHECK_CONCURRENCY', /from 1 to/],
    [{ PUBLIC_URL: 'regrant.acme.test' }, 'PUBLIC_URL', /must be a URL/],
    [{ PUBLIC_URL: 'ftp://regrant.acme.test' }, 'PUBLIC_URL', /http:\/\/ or https:\/\//],
    [{ NOTIFY_SMTP_URL: 'http://mail' }, 'NOTIFY_SMTP_URL', /smtp:\/\/ or smtps:\/\//],
    [{ SECRET_KEY: 'too-short' }, 'SECRET_KEY', /32 random bytes/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /must start with sqlite:\/\//],
    [{ DATABASE_URL: 'postgres://db/regrant' }, 'SECRET_KEY', /required with PostgreSQL.*openssl rand -base64 32/],
    [{ DATABASE_URL: 'postgresql://db', SECRET_KEY: KEY }, 'DATABASE_URL', /must name the database/],
    [{ DATABASE_URL: 'postgres://db/regrant?sslmode=maybe', SECRET_KEY: KEY }, 'DATABASE_URL', /sslmode must be disable, prefer, require/],
    [{ DATABASE_URL: 'postgres://db/regrant', SECRET_KEY: KEY, DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE', /from 2 to 1000/],
    [{ SEND_RATE_PER_MINUTE: '-3' }, 'SEND_RATE_PER_MINUTE', /whole number/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of trace, debug, info, warn, error, fatal, silent \(got "loud"\)/],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', /one of json, pretty/],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN', /at least 16 characters/],
    [{ METRICS_PORT: '9464' }, 'METRICS_PORT', /needs METRICS_TOKEN/],
    [{ METRICS_TOKEN: 'x'.repeat(20), METRICS_PORT: '0' }, 'METRICS_PORT', /from 1 to 65535/],
    [{ GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com' }, 'GOOGLE_CLIENT_SECRET', /must be set when GOOGLE_CLIENT_ID is/],
    [{ MICROSOFT_CLIENT_SECRET: 'secret' }, 'MICROSOFT_CLIENT_ID', /must be set when MICROSOFT_CLIENT_SECRET is/],
    [{ MICROSOFT_TENANT: 'contoso/../x' }, 'MICROSOFT_TENANT', /common, organizations, consumers/],
    [{ MICROSOFT_IMAP_URL: 'https://outlook.office365.com' }, 'MICROSOFT_IMAP_URL', /imaps:\/\/ or imap:\/\//],
    [{ GOOGLE_TOKEN_URL: 'oauth2.googleapis.com/token' }, 'GOOGLE_TOKEN_URL', /must be a URL/],
    [{ ALLOW_PRIVATE_HOSTS: '127.0.0.0/8,10.0.0.0/40' }, 'ALLOW_PRIVATE_HOSTS', /CIDR ranges separated by commas.*"10\.0\.0\.0\/40" is not a CIDR range/],
    [{ ALLOW_PRIVATE_HOSTS: 'mail.internal' }, 'ALLOW_PRIVATE_HOSTS', /"mail\.internal" is not a CIDR range/],
    [{ ALERT_GROUP_WAIT_SECONDS: '-5' }, 'ALERT_GROUP_WAIT_SECONDS', /whole number from 0 to 86400 \(got "-5"\)/],
    [{ ALERT_GROUP_INTERVAL_SECONDS: 'soon' }, 'ALERT_GROUP_INTERVAL_SECONDS', /whole number/],
    [{ ALERT_REMINDER_HOURS: '1.5' }, 'ALERT_REMINDER_HOURS', /whole number/],
    [{ ALERT_TIMEZONE: 'Mars/Olympus_Mons' }, 'ALERT_TIMEZONE', /time zone such as UTC or Europe\/Berlin \(got "Mars\/Olympus_Mons"\)/],
  ];
  for (const [env, variable, problem] of wrong) {
    it(`${variable}=${Object.values(env)[0]} is refused, naming ${variable}`, () => {
      let caught: unknown;
      try {
        loadConfig(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe(variable);
      expect((caught as ConfigError).message).toMatch(new RegExp(`^${variable} `));
      expect((caught as ConfigError).message).toMatch(problem);
    });
  }

  it('groups alerts for a minute, five minutes apart, reminds daily, in UTC, unless told otherwise', () => {
    expect(loadConfig({}).alerts).toEqual({ groupWaitSeconds: 60, groupIntervalSeconds: 300, reminderHours: 24, timeZone: 'UTC' });
    expect(loadConfig({ ALERT_GROUP_WAIT_SECONDS: '0', ALERT_REMINDER_HOURS: '0', ALERT_TIMEZONE: 'Europe/Berlin' }).alerts).toMatchObject({ groupWaitSeconds: 0, reminderHours: 0, timeZone: 'Europe/Berlin' });
  });

  it('opens no internal range unless ALLOW_PRIVATE_HOSTS names it', () => {
    expect(loadConfig({}).allowPrivateHosts).toEqual([]);
    const ranges = loadConfig({ ALLOW_PRIVATE_HOSTS: '127.0.0.0/8, fd00::/8' }).allowPrivateHosts;
    expect(ranges.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['127.0.0.0/8', 'fd00::/8']);
  });

  it('accepts a proper SECRET_KEY', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ SECRET_KEY: key }).secretKey?.equals(Buffer.alloc(32, 9))).toBe(true);
  });

  it('reads .env, and the real environment wins over it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-env-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=9999\nWORKSPACE_NAME="Acme Sales"\n# a comment\n');
    expect(loadConfig(environmentWithDotenv({}, dir))).toMatchObject({ port: 9999, workspaceName: 'Acme Sales' });
    expect(loadConfig(environmentWithDotenv({ PORT: '7000' }, dir)).port).toBe(7000);
  });
});

describe('the server process', () => {
  it('stops at once with one line naming the wrong variable', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-env-'));
    const run = spawnSync(path.resolve('node_modules/.bin/tsx'), [path.resolve('server/main.ts')], {
      cwd: dir,
      env: { ...process.env, DATA_DIR: dir, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual(['regrant: configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")']);
  });

  it('refuses to start with a wrong ALLOW_PRIVATE_HOSTS, saying which entry', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-env-'));
    const run = spawnSync(path.resolve('node_modules/.bin/tsx'), [path.resolve('server/main.ts')], {
      cwd: dir,
      env: { ...process.env, DATA_DIR: dir, PORT: '0', ALLOW_PRIVATE_HOSTS: '127.0.0.0/8,192.168.0.0/16/2' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual(['regrant: configuration error: ALLOW_PRIVATE_HOSTS must be CIDR ranges separated by commas: "192.168.0.0/16/2" is not a CIDR range such as 10.0.0.0/8 or fd00::/8']);
  });
});
