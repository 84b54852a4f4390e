/**
 * What every API answer carries, and what API tokens remember: `nosniff` and `no-store` on
 * every `/api/` answer (the extension's own ETag poll still gets its 304s), an expired token
 * answers 401, and a token's last use is written at most hourly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApi } from '../../extension/utils/api.ts';
import { runCommand } from '../../server/cli/commands.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let ann: Client;

beforeAll(async () => {
  rg = await startRegrant();
  ann = await rg.user('ann@acme.test', 'admin');
});
afterAll(() => rg?.destroy());

const guarded = (res: Response) => ({ nosniff: res.headers.get('x-content-type-options'), cache: res.headers.get('cache-control') });

it('API answers, errors included, carry nosniff and no-store', async () => {
  const answers = [await ann.get('/api/accounts'), await ann.get('/api/accounts/acc_nothing'), await rg.client('rg_wrong').get('/api/status'), await ann.post('/api/accounts', '{')];
  expect(answers.map((r) => r.status)).toEqual([200, 404, 401, 400]);
  for (const res of answers) expect(guarded(res)).toEqual({ nosniff: 'nosniff', cache: 'no-store' });
  // Pages outside the API keep their own headers.
  expect((await rg.app.request('/healthz')).headers.get('x-content-type-options')).toBeNull();
});

it("the extension's status poll still gets 304 on its ETag under no-store", async () => {
  const api = createApi({ serverUrl: 'http://regrant.test', apiToken: ann.token, fetch: (input, init) => Promise.resolve(rg.app.request(String(input), init)) });
  const first = await api.status();
  expect(first.changed).toBe(true);
  const etag = first.changed ? first.etag : null;
  expect(etag).toBeTruthy();
  expect(await api.status(etag)).toEqual({ changed: false });
  const raw = await ann.get('/api/status', { 'if-none-match': etag! });
  expect(raw.status).toBe(304);
  expect(guarded(raw)).toEqual({ nosniff: 'nosniff', cache: 'no-store' });
});

async function cliToken(...args: string[]): Promise<{ id: string; token: string; lines: string[] }> {
  const lines: string[] = [];
  await runCommand(['token', 'create', '--email', 'ann@acme.test', ...args], rg.users, (l) => lines.push(l));
  return { id: /New API token (tok_\w+)/.exec(lines[0])![1], token: lines.at(-1)!, lines };
}

it('a token created with --expires-in-days works until then and answers 401 after', async () => {
  const { id, token, lines } = await cliToken('--expires-in-days', '7');
  const expiresAt = /expiring (\S+),/.exec(lines[0])![1];
  expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  expect((await rg.client(token).get('/api/status')).status).toBe(200);
  // Seven days later:
  await rg.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
  const res = await rg.client(token).get('/api/status');
  expect(res.status).toBe(401);
  const listed: string[] = [];
  await runCommand(['token', 'list', '--email', 'ann@acme.test'], rg.users, (l) => listed.push(l));
  expect(listed.find((l) => l.startsWith(id))).toMatch(/expired\s+expires 20\d\d-\S+\s+last used 20\d\d-/);
  await expect(runCommand(['token', 'create', '--email', 'ann@acme.test', '--expires-in-days', 'soon'], rg.users, () => {})).rejects.toThrow('--expires-in-days must be a whole number');
  await expect(runCommand(['token', 'create', '--email', 'ann@acme.test', '--expires-in-days', '0'], rg.users, () => {})).rejects.toThrow('from 1 to 3650');
});

it('a token remembers when it was last used, written at most once an hour', async () => {
  const { id, token } = await cliToken();
  const lastUsed = async () => (await rg.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
  expect(await lastUsed()).toBeNull();
  await rg.client(token).get('/api/status');
  const first = await lastUsed();
  expect(first).not.toBeNull();
  await rg.client(token).get('/api/status');
  expect(await lastUsed()).toBe(first);
  const later = new Date(Date.parse(first!) + 61 * 60_000);
  expect(await rg.users.byToken(token, later)).not.toBeNull();
  expect(await lastUsed()).toBe(later.toISOString());
});
