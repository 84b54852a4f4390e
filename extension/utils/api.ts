/**
 * The extension's client for the Regrant API. Every failure becomes an `ApiError` whose
 * `code` says what a person should do: check the address, the token, or wait.
 *
 * @example
 *   const api = createApi({ serverUrl, apiToken });
 *   const answer = await api.status(etag); // { changed: false } on 304
 */
import type { ApiErrorBody, ImportField, OAuthProviderKind, OneTimeLink, Role, ServerHealth, StatusDelta, StatusResponse, WebhookFormat } from '../../shared/api.ts';
import { checked, checkedStatus, type Schema, type Schemas } from './answers.ts';
import { serverPage } from './server-page.ts';
import { t } from './i18n.ts';

export type ApiErrorCode = 'not_configured' | 'unreachable' | 'not_regrant' | 'token_rejected' | 'server_error' | 'request_failed';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status = 0,
    /** The server's own error code (one of `ERROR_CODES` in shared/api.ts), when it sent one. */
    readonly serverCode?: string,
    /** The request field the server named, e.g. `mapping.smtp_host`. */
    readonly field?: string,
    /** A 429's Retry-After, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type StatusAnswer<T = StatusResponse> = { changed: true; status: T; etag: string | null } | { changed: false };

export interface ApiOptions {
  serverUrl: string;
  apiToken: string;
  fetch?: typeof fetch;
  /** A server that accepts the connection but never answers counts as unreachable after this. */
  timeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 15_000;
/** A file of up to 5 MB may take a while to go up on a slow line. */
export const UPLOAD_TIMEOUT_MS = 120_000;

/** What a request sends: a JSON value, or bytes as they are (an uploaded file). */
type Body = { json: unknown } | { bytes: Blob | ArrayBuffer; type: string };

export function createApi({ serverUrl, apiToken, fetch: fetchImpl = (...args) => fetch(...args), timeoutMs = REQUEST_TIMEOUT_MS }: ApiOptions) {
  async function request(method: string, path: string, body?: Body, headers: Record<string, string> = {}, waitMs = timeoutMs): Promise<Response> {
    if (!serverUrl || !apiToken) throw new ApiError('not_configured', t('errors_notConfigured'));
    let res: Response;
    try {
      res = await fetchImpl(`${serverUrl}${path}`, {
        method,
        // Our own ETag handling, not the HTTP cache: a 304 must reach us as a 304.
        cache: 'no-store',
        headers: { authorization: `Bearer ${apiToken}`, ...(body ? { 'content-type': 'json' in body ? 'application/json' : body.type } : {}), ...headers },
        body: !body ? undefined : 'json' in body ? JSON.stringify(body.json) : body.bytes,
        signal: AbortSignal.timeout(waitMs),
      });
    } catch (error) {
      if ((error as Error | null)?.name === 'TimeoutError') {
        throw new ApiError('unreachable', t('errors_timeout', serverUrl, Math.max(1, Math.round(waitMs / 1000))));
      }
      throw new ApiError('unreachable', t('errors_unreachable', serverUrl));
    }
    if (res.status === 304 || res.ok) return res;
    throw await errorOf(res);
  }

  async function errorOf(res: Response): Promise<ApiError> {
    const body = await readJson(res);
    // Whatever answered may not be Regrant: the shared type says what to expect, the checks below what came.
    const error = (body as Partial<ApiErrorBody> | null)?.error;
    if (!error || typeof error.message !== 'string') {
      // A proxy in front of the server may refuse a big upload with its own page.
      if (res.status === 413) return new ApiError('request_failed', t('errors_tooLarge'), 413);
      return new ApiError('not_regrant', t('errors_notRegrant', serverUrl, res.status), res.status);
    }
    if (res.status === 401) return new ApiError('token_rejected', t('errors_tokenRejected'), 401, String(error.code));
    if (res.status >= 500) return new ApiError('server_error', t('errors_serverFailed', error.message), res.status, String(error.code));
    const retryAfter = Number(res.headers.get('retry-after'));
    return new ApiError('request_failed', error.message, res.status, String(error.code), typeof error.field === 'string' ? error.field : undefined, retryAfter > 0 ? retryAfter * 1000 : undefined);
  }

  /** Only a page of this very server is opened in a tab or put on the clipboard (server-page.ts). */
  function webUrl(value: unknown): string {
    const page = serverPage(value, serverUrl);
    if (page) return page;
    throw new ApiError('not_regrant', t('errors_foreignPage', serverUrl));
  }

  async function json<T>(schema: (s: Schemas) => Schema<T>, method: string, path: string, body?: unknown): Promise<T> {
    return jsonOf(schema, await request(method, path, body === undefined ? undefined : { json: body }));
  }

  /** The answer, checked against its shared schema before anything uses it. */
  async function jsonOf<T>(schema: (s: Schemas) => Schema<T>, res: Response): Promise<T> {
    const data = await readJson(res);
    if (data === null) throw new ApiError('not_regrant', t('errors_notJson', serverUrl), res.status);
    const fit = await checked(schema, data);
    if (fit === null) throw new ApiError('not_regrant', t('errors_unknownShape', serverUrl), res.status);
    return fit;
  }

  /** A CSV file the server makes (the import template, a report), to be saved by the person. */
  async function csv(path: string): Promise<Blob> {
    return csvOf(await request('GET', path));
  }

  async function csvOf(res: Response): Promise<Blob> {
    if (!(res.headers.get('content-type') ?? '').includes('text/csv')) throw new ApiError('not_regrant', t('errors_notCsv', serverUrl), res.status);
    return res.blob();
  }

  async function status(etag?: string | null, since?: number | null): Promise<StatusAnswer<StatusResponse | StatusDelta>> {
    const path = since == null ? '/api/status' : `/api/status?since=${since}`;
    const res = await request('GET', path, undefined, etag ? { 'if-none-match': etag } : {});
    if (res.status === 304) return { changed: false };
    // Rows that do not fit the shared schema are left out, not the whole list (answers.ts);
    // a delta is an answer only to a poll that asked for one.
    const checkedAnswer = await checkedStatus(await readJson(res), { delta: since != null });
    if (!checkedAnswer) throw new ApiError('not_regrant', t('errors_notLikeRegrant', serverUrl), res.status);
    const { skipped: _skipped, ...status } = checkedAnswer;
    return { changed: true, status, etag: res.headers.get('etag') };
  }

  const importPath = (id: string) => `/api/imports/${encodeURIComponent(id)}`;

  return {
    /** `GET /api/status`, conditional on the last ETag. */
    status: (etag?: string | null) => status(etag) as Promise<StatusAnswer>,
    /** `GET /api/status?since=VERSION`: what changed since that version (a full list when it is too old, or null). */
    statusSince: (etag: string | null, since: number | null | undefined) => status(etag, since),
    account: (id: string) => json((s) => s.accountViewSchema, 'GET', `/api/accounts/${encodeURIComponent(id)}`),
    /** State changes and the checks that failed without one, newest first. */
    events: async (id: string) => (await json((s) => s.accountEventsSchema, 'GET', `/api/accounts/${encodeURIComponent(id)}/events?include=trouble`)).events,
    update: (id: string, patch: Record<string, unknown>) => json((s) => s.accountViewSchema, 'PATCH', `/api/accounts/${encodeURIComponent(id)}`, patch),
    regrant: async (id: string) => ({ url: webUrl((await json((s) => s.oneTimeLinkSchema, 'POST', `/api/accounts/${encodeURIComponent(id)}/regrant`)).url) }),
    async shareLink(id: string): Promise<OneTimeLink> {
      const link = await json((s) => s.oneTimeLinkSchema, 'POST', `/api/accounts/${encodeURIComponent(id)}/share-link`);
      return { url: webUrl(link.url), expiresAt: link.expiresAt };
    },
    /** `POST /api/connect/:provider`: the one-time URL of the consent page that adds a Gmail or Outlook mailbox. */
    connect: async (provider: OAuthProviderKind) => ({ url: webUrl((await json((s) => s.oneTimeLinkSchema, 'POST', `/api/connect/${provider}`)).url) }),
    /** `POST /api/accounts?test=true`: a custom mailbox, saved (connected) only when both sign-ins pass. */
    createAccount: (input: Record<string, unknown>) => json((s) => s.accountViewSchema, 'POST', '/api/accounts?test=true', input),
    /** `POST /api/accounts/:id/check`: checks now; answers the mailbox in its new state. */
    checkNow: (id: string) => json((s) => s.accountViewSchema, 'POST', `/api/accounts/${encodeURIComponent(id)}/check`),
    /** `DELETE /api/accounts/:id`: the emails it held are dropped. */
    remove: async (id: string): Promise<void> => void (await request('DELETE', `/api/accounts/${encodeURIComponent(id)}`)),
    testSending: (id: string) => json((s) => s.loginTestResultSchema, 'POST', `/api/accounts/${encodeURIComponent(id)}/test-sending`),
    testReceiving: (id: string) => json((s) => s.loginTestResultSchema, 'POST', `/api/accounts/${encodeURIComponent(id)}/test-receiving`),
    /** `GET /api/imports`: the caller's last imports, newest first, without their rows. */
    imports: async () => (await json((s) => s.importListSchema, 'GET', '/api/imports')).imports,
    /** `GET /api/imports/template.csv`: the bulk CSV with its columns in order. */
    importTemplate: () => csv('/api/imports/template.csv'),
    /** `POST /api/accounts/export`: the SMTP/IMAP mailboxes `ids` as the bulk CSV, passwords left empty, and the file's name. */
    async exportAccounts(ids: readonly string[]): Promise<{ file: Blob; name: string }> {
      const res = await request('POST', '/api/accounts/export', { json: { ids } });
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'regrant-reauth.csv';
      return { file: await csvOf(res), name };
    },
    /** `POST /api/imports`: the file's bytes as they are; the server finds the encoding and the delimiter. */
    uploadImport: async (file: Blob) => jsonOf((s) => s.importUploadSchema, await request('POST', '/api/imports', { bytes: file, type: 'text/csv' }, {}, Math.max(timeoutMs, UPLOAD_TIMEOUT_MS))),
    /** `POST /api/imports/:id/run`: answers 202 with the import, usually still running. */
    runImport: (id: string, mapping: Partial<Record<ImportField, string>>, updateExisting: boolean) =>
      json((s) => s.importViewSchema, 'POST', `${importPath(id)}/run`, { mapping, updateExisting }),
    /** `GET /api/imports/:id`; `rows: false` while following a run (10,000 rows are 1 MB a poll). */
    importStatus: (id: string, { rows = true } = {}) => json((s) => s.importViewSchema, 'GET', rows ? importPath(id) : `${importPath(id)}?rows=0`),
    /** `GET /api/imports/:id/report.csv`: one line a row, the file that is also emailed. */
    importReport: (id: string) => csv(`${importPath(id)}/report.csv`),
    me: () => json((s) => s.meSchema, 'GET', '/api/me'),
    members: () => json((s) => s.memberListSchema, 'GET', '/api/members'),
    invite: (email: string, role: Role) => json((s) => s.inviteViewSchema, 'POST', '/api/members', { email, role }),
    changeRole: (id: string, role: Role) => json((s) => s.meSchema, 'PATCH', `/api/members/${encodeURIComponent(id)}`, { role }),
    /** A person (their mailboxes go to `ownerId`), or an invitation (`inv_…`, no owner). */
    removeMember: async (id: string, ownerId?: string) => void (await request('DELETE', `/api/members/${encodeURIComponent(id)}${ownerId ? `?owner=${encodeURIComponent(ownerId)}` : ''}`)),
    logout: async () => void (await request('POST', '/api/logout')),
    /** Webhooks: the caller's (an admin's: everyone's); add (a `standard` one answers its secret once), remove, test, last deliveries. */
    webhooks: async () => (await json((s) => s.webhookListSchema, 'GET', '/api/webhooks')).webhooks,
    addWebhook: (input: { url: string; format: WebhookFormat }) => json((s) => s.webhookViewSchema, 'POST', '/api/webhooks', input),
    removeWebhook: async (id: string) => void (await request('DELETE', `/api/webhooks/${encodeURIComponent(id)}`)),
    testWebhook: (id: string) => json((s) => s.webhookTestResultSchema, 'POST', `/api/webhooks/${encodeURIComponent(id)}/test`),
    webhookDeliveries: async (id: string) => (await json((s) => s.webhookDeliveriesSchema, 'GET', `/api/webhooks/${encodeURIComponent(id)}/deliveries`)).deliveries,
    /** `GET /api/server/health`: Regrant's own health; null for a member (403: admins only). */
    async serverHealth(): Promise<ServerHealth | null> {
      try {
        return await json((s) => s.serverHealthSchema, 'GET', '/api/server/health');
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return null;
        throw error;
      }
    },
  };
}

export type Api = ReturnType<typeof createApi>;

async function readJson(res: Response): Promise<unknown> {
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}


/** A message for any error the API client can throw. */
export function problemOf(error: unknown): { code: ApiErrorCode; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  return { code: 'request_failed', message: error instanceof Error ? error.message : String(error) };
}
