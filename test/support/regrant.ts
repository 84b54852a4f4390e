/**
 * A whole Regrant server for a test: real SQLite file with real migrations in a temporary
 * DATA_DIR (or a fresh PostgreSQL database in the `server-postgres` project: support/database.ts),
 * real providers, and `request()` going through the real Hono app.
 *
 * @example
 *   const rg = await startRegrant({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${notify.port}` });
 *   const admin = await rg.user('ann@acme.test', 'admin');
 *   const res = await admin.get('/api/status');
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MessageView, Role } from '../../shared/api.ts';
import { loadConfig } from '../../server/config/index.ts';
import { silentLogger, type Logger } from '../../server/log/index.ts';
import { createRegrant, type Regrant, type RegrantOptions } from '../../server/regrant.ts';
import { testDatabaseEnv } from './database.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from './hosts.ts';

export interface Client {
  token: string;
  email: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  patch(path: string, body: unknown): Promise<Response>;
  del(path: string): Promise<Response>;
}

export interface TestRegrant extends Regrant {
  dataDir: string;
  user(email: string, role: Role): Promise<Client>;
  client(token: string, email?: string): Client;
  destroy(): Promise<void>;
}

export async function startRegrant(env: Record<string, string> = {}, options: RegrantOptions & { logger?: Logger } = {}): Promise<TestRegrant> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-test-'));
  // Alerts go at the next delivery unless a test asks for groups (the alert stories do).
  const config = loadConfig({ DATA_DIR: dataDir, CHECK_TIMEOUT_SECONDS: '5', PUBLIC_URL: 'http://regrant.test', ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ALERT_GROUP_WAIT_SECONDS: '0', ALERT_GROUP_INTERVAL_SECONDS: '0', ...(await testDatabaseEnv()), ...env });
  const regrant = await createRegrant(config, { logger: silentLogger, ...options });

  const client = (token: string, email = ''): Client => appClient(regrant.app, token, email);

  return {
    ...regrant,
    dataDir,
    client,
    async user(email, role) {
      const { token } = await regrant.users.add({ email, role });
      return client(token, email);
    },
    async destroy() {
      await regrant.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An API caller with a token whose requests go straight into the Hono app (no port needed).
 *
 * @example const admin = appClient(regrant.app, token); await admin.get('/api/status');
 */
export function appClient(app: { request(path: string, init: RequestInit): Response | Promise<Response> }, token: string, email = ''): Client {
  const request = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.request(p, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body),
      }),
    );
  return {
    token,
    email,
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b) => request('POST', p, b),
    patch: (p, b) => request('PATCH', p, b),
    del: (p) => request('DELETE', p),
  };
}

/** Settings of a custom mailbox on the test servers. */
export function customMailbox(email: string, smtp: { port: number }, imap: { port: number }, password: string, smtpPassword = password) {
  return {
    email,
    smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: email, password: smtpPassword },
    imap: { host: '127.0.0.1', port: imap.port, security: 'none', username: email, password },
  };
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The emails as `GET /api/messages/:id` shows them, once every one is marked sent: a test mail
 * server (or the Gmail fake) holds an email a moment before Regrant has marked it.
 */
export function allSent(client: Client, ids: string[]): Promise<MessageView[]> {
  return eventually(async () => {
    const views = await Promise.all(ids.map(async (id) => (await (await client.get(`/api/messages/${id}`)).json()) as MessageView));
    return views.every((m) => m.state === 'sent') && views;
  });
}
