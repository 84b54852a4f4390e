/**
 * How Google and Microsoft answers are judged in a real check (design §5): a lost grant and an
 * admin's policy need a person; a provider's 5xx, 429 or slowness never does. Google's client
 * would retry 5xx and 429 by itself; Regrant's checks make one request and let the schedule retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/api.ts';
import type { GoogleFailMode } from '../fakes/google.ts';
import type { MicrosoftFailMode } from '../fakes/microsoft.ts';
import type { Client } from '../support/regrant.ts';
import { startOAuthWorld, type OAuthWorld } from '../support/oauth-world.ts';
import { audienceOf } from '../../server/alerts/audience.ts';

const GMAIL = 'checks@gmail.test';
const OUTLOOK = 'checks@contoso.test';
let world: OAuthWorld;
let owner: Client;
let gmail: AccountView;
let outlook: AccountView;
/** Emails recorded per account so far (connecting one sends two). */
const alertsBefore = new Map<string, number>();

beforeAll(async () => {
  world = await startOAuthWorld([GMAIL, OUTLOOK], { CHECK_TIMEOUT_SECONDS: '1' });
  await world.rg.user('boss@acme.test', 'admin');
  owner = await world.rg.user('owner@acme.test', 'member');
  gmail = await world.connect(owner, 'google', GMAIL);
  outlook = await world.connect(owner, 'microsoft', OUTLOOK);
  for (const id of [gmail.id, outlook.id]) alertsBefore.set(id, (await world.rg.db.selectFrom('mail_queue').select('id').where('account_id', '=', id).execute()).length);
});
afterAll(() => world?.stop());

const check = async (id: string) => (await (await owner.post(`/api/accounts/${id}/check`)).json()) as AccountView;

type Case<M> = [mode: M, state: 'needs_reauth' | 'transient', code: string, options?: { slowMs?: number; status?: number }];

const googleCases: Case<GoogleFailMode>[] = [
  ['revoked', 'needs_reauth', 'grant_revoked'],
  ['invalid_rapt', 'needs_reauth', 'reauth_policy'],
  ['admin_policy_enforced', 'needs_reauth', 'admin_policy_enforced'],
  ['domain_policy', 'needs_reauth', 'domain_policy'],
  ['insufficient_scope', 'needs_reauth', 'scopes_missing'],
  ['api_unauthorized', 'needs_reauth', 'token_rejected'],
  ['server_error', 'transient', 'provider_unavailable'],
  ['server_error', 'transient', 'provider_unavailable', { status: 500 }],
  ['rate_limited', 'transient', 'rate_limited'],
  ['slow', 'transient', 'timeout', { slowMs: 2500 }],
];

const microsoftCases: Case<MicrosoftFailMode>[] = [
  ['revoked', 'needs_reauth', 'grant_revoked'],
  ['expired', 'needs_reauth', 'grant_revoked'],
  ['mfa_required', 'needs_reauth', 'grant_revoked'],
  ['consent_required', 'needs_reauth', 'grant_revoked'],
  ['bad_secret', 'needs_reauth', 'oauth_secret_rejected'],
  ['imap_rejected', 'needs_reauth', 'xoauth2_rejected'],
  ['server_error', 'transient', 'provider_unavailable'],
  ['temporarily_unavailable', 'transient', 'provider_unavailable'],
  ['rate_limited', 'transient', 'provider_unavailable'],
  ['slow', 'transient', 'timeout', { slowMs: 2500 }],
];

function suite<M extends string>(name: string, cases: Case<M>[], fake: () => OAuthWorld['google'] | OAuthWorld['microsoft'], email: string, id: () => string) {
  describe(name, () => {
    for (const [mode, expected, code, options] of cases) {
      it(`${mode}${options?.status ? ` ${options.status}` : ''} → ${expected === 'transient' ? 'never needs_reauth' : 'needs_reauth'} (${code})`, async () => {
        const f = fake() as { fail(email: string, mode: M | null, o?: object): void; requests: { path: string }[] };
        f.fail(email, mode, options);
        try {
          const tokenCalls = () => f.requests.filter((r) => /token$/.test(r.path)).length;
          if (expected === 'transient') {
            const states: string[] = [];
            for (let i = 0; i < 4; i++) {
              const before = tokenCalls();
              const after = await check(id());
              states.push(after.state);
              // One request per check: no library retries. (A slow answer is logged only when it ends.)
              if (mode !== 'slow') expect(tokenCalls() - before).toBe(1);
            }
            expect(states).toEqual(['connected', 'connected', 'unreachable', 'unreachable']);
            const events = ((await (await owner.get(`/api/accounts/${id()}/events`)).json()) as { events: { to: string; reason: { code: string } }[] }).events;
            expect(events[0]).toMatchObject({ to: 'unreachable', reason: { code } });
          } else {
            const after = await check(id());
            expect(after.state).toBe('needs_reauth');
            expect(after.reason?.code).toBe(code);
          }
          // An operator cause (Regrant's own secret) is told to the admin alone.
          await expect(world.rg.db.selectFrom('mail_queue').select('id').where('account_id', '=', id()).execute()).resolves.toHaveLength(expected === 'transient' ? alertsBefore.get(id()) ?? 0 : (alertsBefore.get(id()) ?? 0) + (audienceOf(code) === 'operator' ? 1 : 3));
        } finally {
          f.fail(email, null);
        }
        expect((await check(id())).state).toBe('connected');
        alertsBefore.set(id(), (await world.rg.db.selectFrom('mail_queue').select('id').where('account_id', '=', id()).execute()).length);
      });
    }
  });
}

suite('Google', googleCases, () => world.google, GMAIL, () => gmail.id);
suite('Microsoft', microsoftCases, () => world.microsoft, OUTLOOK, () => outlook.id);

it('Test Sending and Test Receiving are for passwords: a Google or Microsoft mailbox is re-granted instead (409)', async () => {
  for (const [account, provider] of [[gmail, 'Google'], [outlook, 'Microsoft']] as const) {
    for (const which of ['sending', 'receiving']) {
      const res = await owner.post(`/api/accounts/${account.id}/test-${which}`);
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: { code: 'wrong_provider', message: `${account.email} signs in with ${provider}: re-grant it instead of testing a password.` } });
    }
  }
});
