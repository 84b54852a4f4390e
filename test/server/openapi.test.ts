/**
 * `/api/openapi.json` describes the real API: the Hono app has exactly the `/api/` routes the
 * document lists (so a new route without its entry fails here), and real answers of every route
 * (a Gmail mailbox through the Google stand-in's consent, a custom one on smtp-server and
 * Dovecot, emails, a CSV import, error answers) have a status the document declares for that
 * route and a body its schema accepts (ajv, JSON Schema 2020-12). The document leaves answers'
 * objects open for fields added later; here they are closed, so a field it misses fails too.
 * `/api/docs` is the reference page made from it, served without a token under a CSP that
 * lets nothing load but its own style sheet.
 */
import { createHash } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ImportView, StatusResponse } from '../../shared/api.ts';
import type { PendingConnectionList } from '../../shared/responses.ts';
import { bodySchemaOf } from '../../server/http/body.ts';
import { openApiPath, type OpenApiDocument } from '../../server/http/openapi/document.ts';
import { API_OPERATIONS } from '../../server/http/openapi/operations.ts';
import { createAccountSchema } from '../../shared/schemas.ts';
import { TestBrowser } from '../support/browser.ts';
import { connectThroughConsent, ORIGIN, startOAuthServers, type OAuthServers } from '../support/oauth-servers.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const GMAIL = 'sales@gmail.test';
const REFUSED = 'other@gmail.test';
const CUSTOM = 'ops@acme.test';
const passwords = { [CUSTOM]: 'pw-ops' };

let servers: OAuthServers;
let rg: TestRegrant;
let admin: Client;
let owner: Client;
let doc: OpenApiDocument;
let ajv: Ajv2020;

/** Every object with named fields accepts no other field: the document must name them all. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

const pointer = (...segments: string[]) => segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

/** Statuses answered per route, as `GET /api/accounts/:id` → {200, 404}. */
const seen = new Map<string, Set<number>>();

/**
 * Checks a real answer of `route` against the document: its status is one the route declares,
 * its media type one that status declares, and a JSON body satisfies that status's schema.
 */
async function conforms<T = unknown>(answer: Response | Promise<Response>, route: string, status: number): Promise<T> {
  const res = await answer;
  const text = await res.text();
  expect(res.status, `${route}: ${text}`).toBe(status);
  const [method, path] = route.split(' ');
  const declared = (doc.paths[openApiPath(path)]?.[method.toLowerCase()]?.responses as Record<string, { content?: Record<string, unknown> }> | undefined)?.[status];
  expect(declared, `${route} answered ${status}, which the document does not declare`).toBeDefined();
  if (!seen.has(route)) seen.set(route, new Set());
  seen.get(route)!.add(status);
  if (!declared!.content) {
    expect(text, `${route} ${status} has no body in the document`).toBe('');
    return undefined as T;
  }
  const media = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  expect(Object.keys(declared!.content)).toContain(media);
  if (media !== 'application/json') return text as T;
  const body: unknown = JSON.parse(text);
  const validate = ajv.getSchema(`openapi#/${pointer('paths', openApiPath(path), method.toLowerCase(), 'responses', String(status), 'content', media, 'schema')}`)!;
  expect(validate(body) ? [] : validate.errors, `${route} ${status}: ${text}`).toEqual([]);
  return body as T;
}

beforeAll(async () => {
  servers = await startOAuthServers([GMAIL, REFUSED], { passwords });
  rg = await startRegrant(servers.env);
  admin = await rg.user('boss@acme.test', 'admin');
  owner = await rg.user('owner@acme.test', 'member');
  // No token: anyone building a client reads the document first.
  const res = await rg.app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDocument;
  // The document's own schemas are checked by server/http/openapi/document.test.ts.
  ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(closed(doc) as object, 'openapi');
});
afterAll(async () => {
  await rg?.destroy();
  await servers?.stop();
});

describe('the document and the app', () => {
  it('lists exactly the /api/ routes the Hono app has', () => {
    const inApp = new Set(rg.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`));
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)));
    expect(inApp).toContain('GET /api/accounts/:id');
    expect([...inApp].filter((r) => !documented.has(r)), 'routes missing from server/http/openapi/operations.ts').toEqual([]);
    expect([...documented].filter((r) => !inApp.has(r)), 'documented routes the app does not have').toEqual([]);
  });

  it('names for each route the very zod schema the route validates its JSON body with', () => {
    // The document is of /api/ (POST /login/token, for the extension's sign-in, is outside it).
    const validated = new Map(rg.app.routes.filter((r) => r.path.startsWith('/api/')).flatMap((r) => (bodySchemaOf(r.handler) ? [[`${r.method} ${r.path}`, bodySchemaOf(r.handler)]] : [])));
    const documented = new Map(API_OPERATIONS.flatMap((op) => (op.body && 'json' in op.body ? [[op.route as string, op.body.json]] : [])));
    expect(validated.get('POST /api/accounts')).toBe(createAccountSchema);
    expect([...validated.keys()].sort()).toEqual([...documented.keys()].sort());
    for (const [route, schema] of validated) expect(documented.get(route) === schema, `${route}: the document names another body schema`).toBe(true);
  });

  it('names this server, and is the same document on every request', async () => {
    expect(doc.servers).toEqual([{ url: 'http://regrant.test' }]);
    expect(await conforms(rg.app.request('/api/openapi.json'), 'GET /api/openapi.json', 200)).toEqual(doc);
  });
});

describe('real answers satisfy the document', () => {
  let gmail: AccountView;
  let custom: AccountView;

  it('mailboxes: connect (held, approved, refused), add, list, one, change, check, tests, events, status, remove', async () => {
    await conforms(owner.post('/api/connect/yahoo'), 'POST /api/connect/:provider', 404);
    const approve = async () => {
      const { pending } = await conforms<PendingConnectionList>(admin.get('/api/pending-connections'), 'GET /api/pending-connections', 200);
      await conforms(owner.post(`/api/pending-connections/${pending[0].id}/approve`), 'POST /api/pending-connections/:id/approve', 403);
      await conforms(admin.post(`/api/pending-connections/${pending[0].id}/approve`), 'POST /api/pending-connections/:id/approve', 201);
    };
    const browser = new TestBrowser(rg.app, ORIGIN);
    gmail = await connectThroughConsent(browser, owner, servers, 'google', GMAIL, approve);
    // The connect URL itself is checked here; the consent that follows is the next test's concern.
    await conforms(owner.post('/api/connect/google'), 'POST /api/connect/:provider', 200);
    await expect(connectThroughConsent(browser, owner, servers, 'google', REFUSED, async () => {
      const { pending } = await conforms<PendingConnectionList>(admin.get('/api/pending-connections'), 'GET /api/pending-connections', 200);
      await conforms(admin.post(`/api/pending-connections/${pending[0].id}/refuse`), 'POST /api/pending-connections/:id/refuse', 204);
      await conforms(admin.post(`/api/pending-connections/${pending[0].id}/refuse`), 'POST /api/pending-connections/:id/refuse', 404);
    })).rejects.toThrow(/not among the caller's accounts/);

    custom = await conforms<AccountView>(owner.post('/api/accounts', customMailbox(CUSTOM, servers.smtp, servers.imap!, passwords[CUSTOM])), 'POST /api/accounts', 201);
    await conforms(owner.post('/api/accounts', customMailbox(CUSTOM, servers.smtp, servers.imap!, 'pw')), 'POST /api/accounts', 409);
    await conforms(owner.post('/api/accounts', { ...customMailbox('x@acme.test', servers.smtp, servers.imap!, 'pw'), port: 1 }), 'POST /api/accounts', 422);
    await conforms(owner.request('POST', '/api/accounts', '{not json'), 'POST /api/accounts', 400);
    await conforms(owner.post('/api/accounts', 'x'.repeat(65 * 1024)), 'POST /api/accounts', 413);
    await conforms(owner.patch(`/api/accounts/${custom.id}`, { name: 'Operations' }), 'PATCH /api/accounts/:id', 200);
    await conforms(owner.patch(`/api/accounts/${gmail.id}`, { smtp: { port: 25 } }), 'PATCH /api/accounts/:id', 422);
    expect((await conforms<AccountView>(owner.post(`/api/accounts/${custom.id}/check`), 'POST /api/accounts/:id/check', 200)).state).toBe('connected');
    await conforms(owner.post(`/api/accounts/${custom.id}/test-sending`), 'POST /api/accounts/:id/test-sending', 200);
    await conforms(owner.post(`/api/accounts/${custom.id}/test-receiving`), 'POST /api/accounts/:id/test-receiving', 200);
    await conforms(owner.post(`/api/accounts/${gmail.id}/test-sending`), 'POST /api/accounts/:id/test-sending', 409);
    await conforms(owner.post(`/api/accounts/${gmail.id}/test-receiving`), 'POST /api/accounts/:id/test-receiving', 409);

    servers.google.revoke(GMAIL);
    expect((await conforms<AccountView>(owner.post(`/api/accounts/${gmail.id}/check`), 'POST /api/accounts/:id/check', 200)).state).toBe('needs_reauth');
    await conforms(owner.get(`/api/accounts/${gmail.id}/events?include=trouble`), 'GET /api/accounts/:id/events', 200);
    await conforms(owner.get('/api/accounts'), 'GET /api/accounts', 200);
    await conforms(owner.get(`/api/accounts/${gmail.id}`), 'GET /api/accounts/:id', 200);
    await conforms(admin.get('/api/accounts/acc_nope'), 'GET /api/accounts/:id', 404);

    const full = await conforms<StatusResponse>(owner.get('/api/status'), 'GET /api/status', 200);
    expect(full.counts).toMatchObject({ total: 2, needsReauth: 1 });
    await conforms(owner.get(`/api/status?since=${full.version}`), 'GET /api/status', 200);
    await conforms(owner.get('/api/status?since=yesterday'), 'GET /api/status', 422);
    const etag = (await owner.get('/api/status')).headers.get('etag')!;
    await conforms(owner.get('/api/status', { 'if-none-match': etag }), 'GET /api/status', 304);
    await conforms(rg.app.request('/api/status'), 'GET /api/status', 401);

    const extra = await conforms<AccountView>(owner.post('/api/accounts', customMailbox('old@acme.test', servers.smtp, servers.imap!, 'pw')), 'POST /api/accounts', 201);
    await conforms(owner.del(`/api/accounts/${extra.id}`), 'DELETE /api/accounts/:id', 204);
    await conforms(owner.del(`/api/accounts/${extra.id}`), 'DELETE /api/accounts/:id', 404);
  });

  it('re-grant and share links', async () => {
    await conforms(owner.post(`/api/accounts/${gmail.id}/regrant`), 'POST /api/accounts/:id/regrant', 200);
    await conforms(owner.post(`/api/accounts/${custom.id}/regrant`), 'POST /api/accounts/:id/regrant', 409);
    await conforms(owner.post(`/api/accounts/${gmail.id}/share-link`), 'POST /api/accounts/:id/share-link', 201);
    await conforms(owner.del(`/api/accounts/${gmail.id}/share-link`), 'DELETE /api/accounts/:id/share-link', 204);
    await conforms(owner.post('/api/accounts/acc_nope/share-link'), 'POST /api/accounts/:id/share-link', 404);
  });

  it('emails, replies and bounces', async () => {
    const queued = await conforms<{ id: string }>(owner.post('/api/messages', { accountId: custom.id, to: 'bob@example.test', subject: 'Hello', text: 'Hi Bob' }), 'POST /api/messages', 202);
    await conforms(owner.post('/api/messages', { accountId: custom.id, to: 'not an address', subject: 'Hello', text: 'Hi' }), 'POST /api/messages', 422);
    await conforms(owner.get(`/api/messages/${queued.id}`), 'GET /api/messages/:id', 200);
    await conforms(admin.get('/api/messages/msg_nope'), 'GET /api/messages/:id', 404);
    await conforms(owner.get(`/api/accounts/${custom.id}/replies`), 'GET /api/accounts/:id/replies', 200);
    await conforms(owner.get(`/api/accounts/${custom.id}/bounces`), 'GET /api/accounts/:id/bounces', 200);
  });

  it('a bulk import: template, upload, run, follow, report, list', async () => {
    await conforms(owner.get('/api/imports/template.csv'), 'GET /api/imports/template.csv', 200);
    const file = ['email,smtp_host,smtp_port,smtp_username,smtp_password,imap_host,imap_port', `${CUSTOM},127.0.0.1,${servers.smtp.port},${CUSTOM},x,127.0.0.1,${servers.imap!.port}`, 'broken@acme.test,127.0.0.1,not-a-port,b,pw,127.0.0.1,143'].join('\r\n');
    const upload = await conforms<{ id: string; suggestedMapping: Record<string, string> }>(owner.request('POST', '/api/imports', file, { 'content-type': 'text/csv' }), 'POST /api/imports', 201);
    await conforms(owner.request('POST', '/api/imports', '', { 'content-type': 'text/csv' }), 'POST /api/imports', 400);
    await conforms(owner.post(`/api/imports/${upload.id}/run`, { mapping: { ...upload.suggestedMapping, smtp_host: 'Nope' } }), 'POST /api/imports/:id/run', 422);
    await conforms(owner.post(`/api/imports/${upload.id}/run`, { mapping: upload.suggestedMapping }), 'POST /api/imports/:id/run', 202);
    await conforms(owner.post(`/api/imports/${upload.id}/run`, { mapping: upload.suggestedMapping }), 'POST /api/imports/:id/run', 409);
    await eventually(async () => ((await (await owner.get(`/api/imports/${upload.id}`)).json()) as ImportView).state === 'finished', 10_000);
    const finished = await conforms<ImportView>(owner.get(`/api/imports/${upload.id}`), 'GET /api/imports/:id', 200);
    expect(finished.rows.map((r) => r.status)).toEqual(['skipped', 'failed']);
    await conforms(owner.get(`/api/imports/${upload.id}?rows=0`), 'GET /api/imports/:id', 200);
    await conforms(owner.get('/api/imports/imp_nope'), 'GET /api/imports/:id', 404);
    await conforms(owner.get(`/api/imports/${upload.id}/report.csv`), 'GET /api/imports/:id/report.csv', 200);
    await conforms(owner.get('/api/imports'), 'GET /api/imports', 200);
    await conforms(owner.post('/api/accounts/export', { ids: [custom.id] }), 'POST /api/accounts/export', 200);
    await conforms(owner.post('/api/accounts/export', { ids: [custom.id, gmail.id] }), 'POST /api/accounts/export', 409);
    await conforms(owner.post('/api/accounts/export', { ids: ['acc_nope'] }), 'POST /api/accounts/export', 404);
    await conforms(owner.post('/api/accounts/export', { ids: [] }), 'POST /api/accounts/export', 422);
    await conforms(owner.request('POST', '/api/accounts/export', '{not json'), 'POST /api/accounts/export', 400);
    await conforms(owner.post('/api/accounts/export', 'x'.repeat(513 * 1024)), 'POST /api/accounts/export', 413);
  });

  it('the server, its health, and what only admins see', async () => {
    await conforms(owner.get('/api/server'), 'GET /api/server', 200);
    await conforms(admin.get('/api/server/health'), 'GET /api/server/health', 200);
    await conforms(owner.get('/api/server/health'), 'GET /api/server/health', 403);
    await conforms(owner.get('/api/pending-connections'), 'GET /api/pending-connections', 403);
    await conforms(rg.app.request('/api/docs'), 'GET /api/docs', 200);

    const bare = await startRegrant();
    try {
      const member = await bare.user('ann@acme.test', 'member');
      const answer = await member.post('/api/connect/microsoft');
      await conforms(answer, 'POST /api/connect/:provider', 503);
    } finally {
      await bare.destroy();
    }
  });

  it('webhooks: add, list, one, change, test, deliveries, remove', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await conforms<{ id: string }>(owner.post('/api/webhooks', { url: receiver.url, format: 'standard' }), 'POST /api/webhooks', 201);
      await conforms(owner.post('/api/webhooks', { url: 'http://10.0.0.1/', format: 'slack' }), 'POST /api/webhooks', 422);
      await conforms(owner.get('/api/webhooks'), 'GET /api/webhooks', 200);
      await conforms(owner.get(`/api/webhooks/${hook.id}`), 'GET /api/webhooks/:id', 200);
      await conforms(admin.get('/api/webhooks/whk_nope'), 'GET /api/webhooks/:id', 404);
      await conforms(owner.patch(`/api/webhooks/${hook.id}`, { events: ['mailbox.needs_reauth'] }), 'PATCH /api/webhooks/:id', 200);
      await conforms(owner.patch(`/api/webhooks/${hook.id}`, { format: 'teams' }), 'PATCH /api/webhooks/:id', 422);
      await conforms(owner.post(`/api/webhooks/${hook.id}/test`), 'POST /api/webhooks/:id/test', 200);
      await conforms(owner.get(`/api/webhooks/${hook.id}/deliveries`), 'GET /api/webhooks/:id/deliveries', 200);
      await conforms(owner.del(`/api/webhooks/${hook.id}`), 'DELETE /api/webhooks/:id', 204);
      await conforms(owner.del(`/api/webhooks/${hook.id}`), 'DELETE /api/webhooks/:id', 404);
    } finally {
      await receiver.close();
    }
  });

  it('members: who am I, list, invite, change a role, remove, sign out', async () => {
    const me = await conforms<{ id: string }>(admin.get('/api/me'), 'GET /api/me', 200);
    await conforms(admin.get('/api/members'), 'GET /api/members', 200);
    await conforms(owner.get('/api/members'), 'GET /api/members', 403);
    await conforms(admin.post('/api/members', { email: 'invited@acme.test', role: 'member' }), 'POST /api/members', 201);
    await conforms(admin.post('/api/members', { email: 'invited', role: 'member' }), 'POST /api/members', 422);
    const temp = await rg.user('temp@acme.test', 'member');
    const tempId = (await conforms<{ id: string }>(temp.get('/api/me'), 'GET /api/me', 200)).id;
    await conforms(admin.patch(`/api/members/${tempId}`, { role: 'admin' }), 'PATCH /api/members/:id', 200);
    await conforms(admin.patch('/api/members/usr_nope', { role: 'admin' }), 'PATCH /api/members/:id', 404);
    await conforms(admin.del(`/api/members/${tempId}`), 'DELETE /api/members/:id', 422);
    await conforms(admin.del(`/api/members/${tempId}?owner=${me.id}`), 'DELETE /api/members/:id', 204);
    const leaving = await rg.user('leaving@acme.test', 'member');
    await conforms(leaving.post('/api/logout'), 'POST /api/logout', 204);
  });

  it('every answer the document promises on success was met above', () => {
    const promised = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        Object.keys(op.responses as object)
          .filter((s) => /^[23]/.test(s))
          .map((s) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')} ${s}`),
      ),
    );
    const met = [...seen].flatMap(([route, statuses]) => [...statuses].map((s) => `${route} ${s}`));
    expect(promised.filter((p) => !met.includes(p))).toEqual([]);
  });
});

describe('the reference page', () => {
  it('is made from the document, without a token, and loads nothing but its own style sheet', async () => {
    const res = await rg.app.request('/api/docs');
    const page = await res.text();
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none';/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page).not.toMatch(/<script|<link|<img|src=|https?:\/\//);
    for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) expect(page).toContain(`id="${op.operationId as string}"`);
    for (const name of Object.keys(doc.components.schemas)) expect(page).toContain(`id="schema-${name}"`);
    expect(page).toContain('<code>/api/accounts/{id}</code>');
  });
});
