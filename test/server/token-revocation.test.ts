/**
 * Token lookups are kept in memory while the database is unchanged (server/auth/index.ts), and
 * yet a token revoked from the command line, another process, stops working on the very next
 * request. On PostgreSQL nothing is kept (other instances write too): every request looks up.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseEnvOf, onTestPostgres } from '../support/database.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
const queries: string[] = [];
let rg: TestRegrant;
let ann: Client;

beforeAll(async () => {
  rg = await startRegrant({}, { onQuery: (sql) => queries.push(sql) });
  ann = await rg.user('ann@acme.test', 'admin');
});
afterAll(() => rg?.destroy());

const tokenLookups = () => queries.filter((q) => q.includes('from "api_tokens"')).length;
const cli = (...args: string[]) => spawnSync(TSX, ['server/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: rg.dataDir, ...databaseEnvOf(rg) }, encoding: 'utf8', timeout: 60_000 });

it.skipIf(onTestPostgres())('repeated polls with nothing changed look the token up once', async () => {
  const etag = (await ann.get('/api/status')).headers.get('etag')!;
  const before = tokenLookups();
  for (let i = 0; i < 5; i++) expect((await ann.get('/api/status', { 'if-none-match': etag })).status).toBe(304);
  expect(tokenLookups() - before).toBeLessThanOrEqual(1);
});

it('a token revoked with the CLI is refused on the next request', async () => {
  const etag = (await ann.get('/api/status')).headers.get('etag')!;
  expect((await ann.get('/api/status', { 'if-none-match': etag })).status).toBe(304);
  const listed = cli('token', 'list', '--email', 'ann@acme.test');
  expect(listed.status).toBe(0);
  const id = /^(tok_\S+)\s+active/m.exec(listed.stdout)![1];
  expect(cli('token', 'revoke', '--id', id).status).toBe(0);
  const res = await ann.get('/api/status', { 'if-none-match': etag });
  expect(res.status).toBe(401);
  expect((await ann.get('/api/status')).status).toBe(401);
}, 120_000);

it('a token revoked inside the server is refused on the next request too', async () => {
  const { token } = await rg.users.createToken('ann@acme.test');
  const bob = rg.client(token);
  expect((await bob.get('/api/status')).status).toBe(200);
  const [latest] = (await rg.users.listTokens('ann@acme.test')).filter((t) => !t.revoked_at);
  await rg.users.revokeToken(latest.id);
  expect((await bob.get('/api/status')).status).toBe(401);
});

it('a new status version reaches the ETag of the next answer, kept lookups or not', async () => {
  const { token } = await rg.users.createToken('ann@acme.test');
  const cy = rg.client(token);
  const first = (await cy.get('/api/status')).headers.get('etag')!;
  expect((await cy.get('/api/status', { 'if-none-match': first })).status).toBe(304);
  await cy.post('/api/accounts', { email: 'new@acme.test', smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: 'u', password: 'p' }, imap: { host: '127.0.0.1', port: 1143, security: 'none', username: 'u', password: 'p' } });
  const after = await cy.get('/api/status', { 'if-none-match': first });
  expect(after.status).toBe(200);
  expect(after.headers.get('etag')).not.toBe(first);
});
