/**
 * Bulk CSV import: 10,000 rows uploaded, parsed, validated and written (every row a new
 * mailbox, its verdict and its result, in batched transactions), with the sign-in test left
 * out; then 1,000 rows with real SMTP and IMAP sign-ins to a local smtp-server and Dovecot at
 * the configured CHECK_CONCURRENCY (default 50). Medians of several runs on a fresh database.
 *
 *   npx tsx bench/import.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config/index.ts';
import { readCsv } from '../server/imports/csv.ts';
import { suggestMapping } from '../server/imports/fields.ts';
import { validateRows } from '../server/imports/rows.ts';
import { silentLogger } from '../server/log/index.ts';
import { createRegrant, type RegrantOptions } from '../server/regrant.ts';
import { startDovecot } from '../test/support/dovecot.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../test/support/hosts.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { median, num, report, runsOf } from './figures.ts';

const concurrency = process.env.CHECK_CONCURRENCY ?? '50';

function file(rows: number, smtpPort: number, imapPort: number): Uint8Array {
  const lines = ['email,name,smtp_host,smtp_port,smtp_security,smtp_username,smtp_password,imap_host,imap_port,imap_security,imap_username,imap_password'];
  for (let i = 0; i < rows; i++) {
    const email = `seat${i}@acme.test`;
    lines.push(`${email},"Seat ${i}, Sales",127.0.0.1,${smtpPort},none,${email},pw-${i},127.0.0.1,${imapPort},none,${email},pw-${i}`);
  }
  return new TextEncoder().encode(lines.join('\r\n'));
}

/** Upload → every row written and the run finished, in ms. */
async function importOnce(bytes: Uint8Array, options: RegrantOptions): Promise<{ ms: number; created: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
  const rg = await createRegrant(loadConfig({ DATA_DIR: dataDir, CHECK_CONCURRENCY: concurrency, ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS }), { logger: silentLogger, ...options });
  const { token } = await rg.users.add({ email: 'ann@acme.test', role: 'admin' });
  const actor = (await rg.users.byToken(token))!;
  const start = performance.now();
  const up = await rg.imports.upload(actor, bytes);
  await rg.imports.run(actor, up.id, { mapping: up.suggestedMapping, updateExisting: false, duplicateFields: [] });
  await rg.imports.settled();
  const ms = performance.now() - start;
  const view = await rg.imports.get(actor, up.id, { withRows: false });
  await rg.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { ms, created: view.counts.created };
}

const ROWS = 10_000;
const bytes = file(ROWS, 2525, 1143);
const parse: number[] = [];
for (let run = 0; run < 5; run++) {
  const start = performance.now();
  const table = readCsv(bytes, { maxRows: ROWS });
  validateRows(table, suggestMapping(table.headers));
  parse.push(performance.now() - start);
}
const whole: number[] = [];
for (let run = 0; run < 5; run++) {
  const { ms, created } = await importOnce(bytes, { imports: { probe: async () => null } });
  if (created !== ROWS) throw new Error(`only ${created} of ${ROWS} rows were created`);
  whole.push(ms);
}
report({ name: `CSV import, ${num(ROWS)} rows (${(bytes.length / 1024 / 1024).toFixed(1)} MB): parse + validate`, value: `${num(median(parse))} ms`, runs: runsOf(parse, (m) => num(m)) });
const wholeS = median(whole) / 1000;
report({ name: `CSV import, ${num(ROWS)} rows: upload → every row written (sign-in test left out)`, value: `${wholeS.toFixed(2)} s`, goal: '≤ 3 s', met: wholeS <= 3, runs: runsOf(whole, (m) => (m / 1000).toFixed(2)) });

const TESTED = 1000;
const users = Object.fromEntries(Array.from({ length: TESTED }, (_, i) => [`seat${i}@acme.test`, `pw-${i}`]));
const imap = await startDovecot(users);
const smtp = await startSmtp(users);
const tested: number[] = [];
for (let run = 0; run < 3; run++) {
  const { ms, created } = await importOnce(file(TESTED, smtp.port, imap.port), {});
  if (created !== TESTED) throw new Error(`only ${created} of ${TESTED} rows were created`);
  tested.push(TESTED / (ms / 1000));
}
await Promise.all([imap.stop(), smtp.stop()]);
report({ name: `CSV import with a real SMTP + IMAP sign-in per row, ${num(TESTED)} rows, CHECK_CONCURRENCY ${concurrency}`, value: `${num(median(tested))} rows/s`, runs: runsOf(tested, (r) => num(r)) });
