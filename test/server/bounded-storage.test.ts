/**
 * Storage a person can fill is bounded: one CSV upload waits to run per person (a new one
 * replaces it), a mailbox holds at most QUEUED_BYTES_PER_MAILBOX of emails waiting (413),
 * queuing is rate-limited per person (429 with Retry-After), and a multipart upload without
 * its boundary is the client's mistake (400), not the server's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountView, ApiErrorBody, ImportUpload } from '../../shared/api.ts';
import { LIMITS } from '../../server/http/abuse-limits.ts';
import { createLogger } from '../../server/log/index.ts';
import { QUEUED_BYTES_PER_MAILBOX } from '../../server/outbox/queue.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let sam: Client;
let zoe: Client;
const logLines: { level: string; event: string }[] = [];

const HEADER = 'email,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password';
const MAPPING = Object.fromEntries(HEADER.split(',').map((h) => [h, h]));
const csv = (email: string) => `${HEADER}\n${email},127.0.0.1,2525,none,${email},pw,127.0.0.1,1143,none,${email},pw\n`;
const upload = (c: Client, body: string, type = 'text/csv') => c.request('POST', '/api/imports', body, { 'content-type': type });

beforeAll(async () => {
  rg = await startRegrant({}, { logger: createLogger((l) => logLines.push(JSON.parse(l))) });
  sam = await rg.user('sam@acme.test', 'member');
  zoe = await rg.user('zoe@acme.test', 'member');
});
afterAll(() => rg?.destroy());

async function refusal(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ((await res.json()) as ApiErrorBody).error;
}

it('a multipart upload without a boundary answers 400 and logs nothing unexpected', async () => {
  const res = await upload(sam, `--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${csv('a@acme.test')}\r\n--x--\r\n`, 'multipart/form-data');
  const error = await refusal(res, 400);
  expect(error.code).toBe('bad_request');
  expect(error.message).toMatch(/^the multipart form could not be read: send Content-Type "multipart\/form-data; boundary=…"/);
  expect(logLines.filter((l) => l.level === 'error')).toEqual([]);
  // With its boundary, the same form is read.
  expect((await upload(sam, `--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${csv('a@acme.test')}\r\n--x--\r\n`, 'multipart/form-data; boundary=x')).status).toBe(201);
});

it('one upload waits to run per person: a new one replaces it, and the old one answers 410', async () => {
  const first = (await (await upload(sam, csv('one@acme.test'))).json()) as ImportUpload;
  const second = (await (await upload(sam, csv('two@acme.test'))).json()) as ImportUpload;
  const zoes = (await (await upload(zoe, csv('zoe.one@acme.test'))).json()) as ImportUpload;
  const waiting = await rg.db.selectFrom('imports').select(['id', 'user_id']).where('state', '=', 'uploaded').where('sealed_file', 'is not', null).orderBy('id').execute();
  expect(waiting.map((w) => w.id).sort()).toEqual([second.id, zoes.id].sort());
  const error = await refusal(await sam.post(`/api/imports/${first.id}/run`, { mapping: MAPPING }), 410);
  expect(error).toMatchObject({ code: 'import_expired', message: 'this upload was replaced by a newer one: one file waits to run per person. Run the newest upload, or upload this file again' });
  expect((await sam.post(`/api/imports/${second.id}/run`, { mapping: MAPPING })).status).toBe(202);
  expect((await zoe.post(`/api/imports/${zoes.id}/run`, { mapping: MAPPING })).status).toBe(202);
  await rg.imports.settled();
});

it(`a mailbox holds at most ${QUEUED_BYTES_PER_MAILBOX / 1024 / 1024} MB of emails waiting: past it 413, other mailboxes go on`, async () => {
  const held = (await (await sam.post('/api/accounts', customMailbox('held@acme.test', { port: 2525 }, { port: 1143 }, 'pw'))).json()) as AccountView;
  const other = (await (await sam.post('/api/accounts', customMailbox('other@acme.test', { port: 2525 }, { port: 1143 }, 'pw'))).json()) as AccountView;
  const text = 'x'.repeat(500_000);
  const size = 3 + 2 * text.length;
  const queue = (accountId: string) => sam.post('/api/messages', { accountId, to: 'bob@example.test', subject: 'Big', text, html: text });
  const fit = Math.floor(QUEUED_BYTES_PER_MAILBOX / size);
  for (let i = 0; i < fit; i++) expect((await queue(held.id)).status).toBe(202);
  const error = await refusal(await queue(held.id), 413);
  expect(error.code).toBe('payload_too_large');
  expect(error.message).toBe(`held@acme.test already holds ${((fit * size) / 1024 / 1024).toFixed(1)} MB of emails waiting to go out; at most 10.0 MB may wait per mailbox. Queue more once some are sent (it is not connected: re-grant or fix it first).`);
  expect((await queue(other.id)).status).toBe(202);
  const count = await rg.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', held.id).executeTakeFirstOrThrow();
  expect(Number(count.n)).toBe(fit);
});

it(`queuing is limited to ${LIMITS.messages.limit} emails a minute per person: 429 with Retry-After, others go on`, async () => {
  const box = (await (await zoe.post('/api/accounts', customMailbox('zoe.box@acme.test', { port: 2525 }, { port: 1143 }, 'pw'))).json()) as AccountView;
  const queue = () => zoe.post('/api/messages', { accountId: box.id, to: 'bob@example.test', subject: 'Hi', text: 'Hello' });
  const statuses: number[] = [];
  for (let i = 0; i < LIMITS.messages.limit; i++) statuses.push((await queue()).status);
  expect(statuses.every((s) => s === 202)).toBe(true);
  const limited = await queue();
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect((await refusal(limited, 429)).message).toBe(`Too many emails queued: at most ${LIMITS.messages.limit} a minute per person. Wait for the time Retry-After gives, then queue the rest.`);
  const samsBox = (await (await sam.get('/api/accounts')).json()) as { accounts: AccountView[] };
  expect((await sam.post('/api/messages', { accountId: samsBox.accounts[0].id, to: 'bob@example.test', subject: 'Hi', text: 'Hello' })).status).toBe(202);
}, 60_000); // 300 requests: on PostgreSQL each is a dozen round trips
