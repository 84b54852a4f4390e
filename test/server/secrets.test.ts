/**
 * Secrets at rest and in motion: the raw SQLite file holds no password, no API answer and no
 * log line carries one, the generated key is private, and a sealed value only opens where
 * it was sealed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { onTestPostgres, storedText } from '../support/database.ts';
import { createSealer, loadOrCreateKey } from '../../server/crypto/index.ts';
import { createLogger, redact } from '../../server/log/index.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, startRegrant, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const SMTP_PASSWORD = 'Smtp-Secret-7f3a9c!';
const IMAP_PASSWORD = 'Imap-Secret-2b8e41?';
const NOTIFY_PASSWORD = 'Notify-Secret-55d0';
let rg: TestRegrant;
let imap: Dovecot;
let smtp: TestSmtp;
const logLines: string[] = [];

beforeAll(async () => {
  imap = await startDovecot({ 'vault@acme.test': 'something-else' });
  smtp = await startSmtp({ 'vault@acme.test': SMTP_PASSWORD });
  rg = await startRegrant(
    { NOTIFY_SMTP_URL: `smtp://alerts:${NOTIFY_PASSWORD}@127.0.0.1:1` },
    { logger: createLogger((line) => logLines.push(line)) },
  );
});
afterAll(async () => {
  await rg?.destroy();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

it('passwords never appear in the database file, the API or the logs', async () => {
  const admin = await rg.user('admin@acme.test', 'admin');
  const res = await admin.post('/api/accounts', customMailbox('vault@acme.test', smtp, imap, IMAP_PASSWORD, SMTP_PASSWORD));
  const created = await res.text();
  const { id } = JSON.parse(created);
  // A failing check (IMAP password wrong at the server) and a failing alert delivery both log.
  const checked = await (await admin.post(`/api/accounts/${id}/check`)).text();
  expect(JSON.parse(checked).state).toBe('needs_reauth');
  await rg.notifier.kick();
  const listed = await (await admin.get('/api/accounts')).text();
  const events = await (await admin.get(`/api/accounts/${id}/events`)).text();

  for (const answer of [created, checked, listed, events]) {
    expect(answer).not.toContain(SMTP_PASSWORD);
    expect(answer).not.toContain(IMAP_PASSWORD);
  }
  const logs = logLines.join('\n');
  expect(logs).toContain('alert.retry'); // the logs were written
  for (const secret of [SMTP_PASSWORD, IMAP_PASSWORD, NOTIFY_PASSWORD, admin.token]) expect(logs).not.toContain(secret);

  // The raw bytes of the database and its write-ahead log (on PostgreSQL: every row of every table).
  const raw = await storedText(rg.db, rg.dataDir);
  expect(raw.includes('vault@acme.test')).toBe(true); // what is stored is readable as written: the check is real
  for (const secret of [SMTP_PASSWORD, IMAP_PASSWORD, admin.token]) expect(raw.includes(secret)).toBe(false);

  // The sealed value still opens with the key, in its own place.
  expect(rg.accounts.credentials(await rg.accounts.row({ id: 'x', role: 'admin' }, id)).smtp?.password).toBe(SMTP_PASSWORD);
});

// With PostgreSQL the key is SECRET_KEY, shared by every instance: no file is generated.
it.skipIf(onTestPostgres())('the generated key file is readable by its owner only', () => {
  const mode = statSync(path.join(rg.dataDir, 'secret.key')).mode & 0o777;
  expect(mode).toBe(0o600);
  const again = loadOrCreateKey(null, rg.dataDir);
  expect(again).toHaveLength(32);
});

it('a sealed secret opens only with its key and in its context', () => {
  const key = Buffer.alloc(32, 7);
  const box = createSealer(key);
  const sealed = box.seal('hunter2', 'acc_1:smtp_password');
  expect(sealed).not.toContain('hunter2');
  expect(box.seal('hunter2', 'acc_1:smtp_password')).not.toBe(sealed); // fresh nonce each time
  expect(box.open(sealed, 'acc_1:smtp_password')).toBe('hunter2');
  expect(() => box.open(sealed, 'acc_2:smtp_password')).toThrow();
  expect(() => createSealer(Buffer.alloc(32, 8)).open(sealed, 'acc_1:smtp_password')).toThrow();
});

it('the log redactor masks secret-looking fields and credentials in URLs', () => {
  const out = JSON.stringify(redact({ password: 'a', nested: { accessToken: 'b' }, url: 'smtp://u:pw@host:25', note: 'fine' }));
  expect(out).not.toMatch(/"a"|"b"|pw@/);
  expect(out).toContain('fine');
});
