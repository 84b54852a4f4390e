/**
 * OAuth secrets at rest and in motion: refresh tokens, authorization codes, states, PKCE
 * verifiers and share-link tokens never reach the database file in the clear, an API answer,
 * an event or a log line, through a whole connect → revoke → share link → re-grant story.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storedText } from '../support/database.ts';
import { createLogger } from '../../server/log/index.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';

const GMAIL = 'vault@gmail.test';
const OUTLOOK = 'vault@contoso.test';
const logLines: string[] = [];
let world: OAuthWorld;

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK], {}, { logger: createLogger((line) => logLines.push(line)) });
});
afterAll(() => world?.stop());

it('no OAuth secret is stored in the clear, answered, recorded in an event or logged', async () => {
  const admin = await world.rg.user('boss@acme.test', 'admin');
  const secrets: string[] = [admin.token];
  const answers: string[] = [];
  const remember = (page: { chain: string[] }) => {
    for (const hop of page.chain) {
      const u = new URL(hop);
      for (const key of ['code', 'state', 'code_challenge']) if (u.searchParams.get(key)) secrets.push(u.searchParams.get(key)!);
      const token = /\/(?:oauth\/start|r)\/([^/?]+)/.exec(u.pathname)?.[1];
      if (token) secrets.push(token);
    }
  };

  for (const [provider, email] of [['google', GMAIL], ['microsoft', OUTLOOK]] as const) {
    const { url } = (await (await admin.post(`/api/connect/${provider}`)).json()) as { url: string };
    world[provider].nextConsent({ as: email });
    // The connect page's button (POST) goes on to the consent screen.
    const connected = await world.browser().submit(url);
    expect(connected.html).toMatch(/Mailbox connected/);
    remember(connected);
    const { accounts } = (await (await admin.get('/api/accounts')).json()) as { accounts: { id: string; email: string }[] };
    const id = accounts.find((a) => a.email === email)!.id;
    secrets.push(...world[provider].validRefreshTokens(email));
    answers.push(await (await admin.post(`/api/accounts/${id}/check`)).text());
    secrets.push(...world[provider].validRefreshTokens(email)); // Microsoft rotated it

    world[provider].revoke(email);
    answers.push(await (await admin.post(`/api/accounts/${id}/check`)).text());
    const link = await (await admin.post(`/api/accounts/${id}/share-link`)).text();
    answers.push(link);
    const shared = await world.browser().submit(JSON.parse(link).url);
    expect(shared.html).toMatch(/Reconnected/);
    remember(shared);
    secrets.push(...world[provider].validRefreshTokens(email));
    answers.push(await (await admin.get(`/api/accounts/${id}`)).text(), await (await admin.get(`/api/accounts/${id}/events`)).text());
  }
  answers.push(await (await admin.get('/api/status')).text(), await (await admin.get('/api/accounts')).text());
  await world.rg.notifier.kick();

  expect(secrets.length).toBeGreaterThan(14);
  const shareTokens = secrets.filter((s) => s.startsWith('r_'));
  expect(shareTokens).toHaveLength(2);
  const logs = logLines.join('\n');
  expect(logs).toMatch(/reauth\.regranted/); // the log was written
  const raw = await storedText(world.rg.db, world.rg.dataDir);
  expect(raw.includes(GMAIL)).toBe(true);
  const mails = world.notify.received.map((m) => m.raw).join('\n');
  for (const secret of secrets) {
    expect(logs).not.toContain(secret);
    expect(raw.includes(secret)).toBe(false);
    expect(mails).not.toContain(secret);
    // The share link's URL is the one answer allowed to carry its own token.
    for (const answer of answers) if (!(shareTokens.includes(secret) && answer.includes('"url"'))) expect(answer).not.toContain(secret);
  }
});
