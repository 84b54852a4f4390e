/**
 * The outbox: flush throughput (emails per second from one mailbox to a local smtp-server,
 * each marked sent in SQLite before the next) and the time from a re-grant callback reaching
 * Regrant to the first held email accepted by Gmail (the Google fake). Medians of 5 runs.
 *
 *   npx tsx bench/outbox.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config/index.ts';
import { silentLogger } from '../server/log/index.ts';
import { createRegrant } from '../server/regrant.ts';
import { startGoogleFake } from '../test/fakes/google.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { TEST_ALLOW_PRIVATE_HOSTS } from '../test/support/hosts.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { median, num, report, runsOf } from './figures.ts';

const RUNS = 5;
const FLUSH = 1000;
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 1));
};

async function regrantInstance(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-bench-'));
  const rg = await createRegrant(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://regrant.test', ALLOW_PRIVATE_HOSTS: TEST_ALLOW_PRIVATE_HOSTS, ...env }), { logger: silentLogger });
  const { token } = await rg.users.add({ email: 'ann@acme.test', role: 'admin' });
  const actor = (await rg.users.byToken(token))!;
  return { rg, actor, close: async () => (await rg.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

async function flushRate(): Promise<number> {
  const smtp = await startSmtp({ 'bulk@acme.test': 'pw' });
  const { rg, actor, close } = await regrantInstance();
  const settings = { host: '127.0.0.1', port: smtp.port, security: 'none' as const, username: 'bulk@acme.test', password: 'pw' };
  const account = await rg.accounts.create(actor, { email: 'bulk@acme.test', smtp: settings, imap: { ...settings, port: 1 } });
  for (let i = 0; i < FLUSH; i++) await rg.outbox.enqueue(actor, { accountId: account.id, to: `lead${i}@example.test`, subject: `Offer ${i}`, text: 'Hello, this is a short offer.' });
  // As a re-authentication would leave it: connected, then the queue is kicked.
  await rg.db.updateTable('accounts').set({ state: 'connected' }).where('id', '=', account.id).execute();
  const start = performance.now();
  await rg.outbox.kick(account.id);
  const seconds = (performance.now() - start) / 1000;
  if (smtp.received.length !== FLUSH) throw new Error(`only ${smtp.received.length} of ${FLUSH} emails arrived`);
  await close();
  await smtp.stop();
  return FLUSH / seconds;
}

async function regrantToFirstEmail(): Promise<number> {
  const client = { clientId: 'bench.apps.googleusercontent.com', clientSecret: 'bench-secret' };
  const google = await startGoogleFake({ ...client, redirectUris: ['http://regrant.test/oauth/google/callback'] });
  google.addMailbox('mia@gmail.test');
  const { rg, actor, close } = await regrantInstance({ GOOGLE_CLIENT_ID: client.clientId, GOOGLE_CLIENT_SECRET: client.clientSecret, GOOGLE_AUTH_URL: google.authUrl, GOOGLE_TOKEN_URL: google.tokenUrl, GOOGLE_API_URL: google.apiUrl });
  let callbackAt = 0;
  const app = {
    request(input: string, init?: RequestInit) {
      if (input.startsWith('/oauth/google/callback')) callbackAt = performance.now() + performance.timeOrigin;
      return rg.app.request(input, init);
    },
  };
  await new TestBrowser(app, 'http://regrant.test').open((await rg.reauth.connect(actor, 'google')).url);
  const [account] = await rg.accounts.list(actor);
  google.revoke('mia@gmail.test');
  for (let i = 0; i < 20; i++) await rg.outbox.enqueue(actor, { accountId: account.id, to: `lead${i}@example.test`, subject: `Offer ${i}`, text: 'Hello' });
  for (;;) {
    if ((await rg.accounts.get(actor, account.id)).state === 'needs_reauth') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new TestBrowser(app, 'http://regrant.test').open((await rg.reauth.regrant(actor, account.id)).url);
  await until(() => google.gmail.sent('mia@gmail.test').length > 0);
  const ms = google.gmail.sent('mia@gmail.test')[0].at - callbackAt;
  await until(() => google.gmail.sent('mia@gmail.test').length === 20);
  await close();
  await google.close();
  return ms;
}

const rates: number[] = [];
const latencies: number[] = [];
for (let i = 0; i < RUNS; i++) {
  rates.push(await flushRate());
  latencies.push(await regrantToFirstEmail());
}
report({ name: `outbox flush to a local SMTP server (${num(FLUSH)} emails, one mailbox)`, value: `${num(median(rates))} emails/s`, runs: runsOf(rates, (r) => num(r)) });
const firstMs = median(latencies);
report({ name: 're-grant callback → first held email accepted (Gmail fake)', value: `${num(firstMs)} ms`, goal: '≤ 1 s', met: firstMs <= 1000, runs: runsOf(latencies, (l) => num(l)) });
