/**
 * Fills the demo: an admin and a member, then every mailbox of the cast through the real
 * flows (Google and Microsoft through their stand-ins' consent, custom ones through the
 * accounts API), broken through the stand-ins and mail servers, checked by the real health
 * check, and emails queued for some broken ones so that they wait.
 *
 * @example const seeded = await seed(world); // seeded.admin.token, seeded.ids.get('mia@acme.test')
 */
import type { AccountState, AccountView, StatusResponse } from '../shared/api.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { connectThroughConsent } from '../test/support/oauth-servers.ts';
import { appClient, customMailbox, type Client } from '../test/support/regrant.ts';
import { ADMIN, MEMBER, type Condition, type DemoMailbox } from './cast.ts';
import type { World } from './world.ts';

/** The state the real health check should find for each way a mailbox was left. */
const EXPECTED: Record<Condition, AccountState> = {
  connected: 'connected',
  grant_revoked: 'needs_reauth',
  password_changed: 'needs_reauth',
  mfa_required: 'needs_reauth',
  wrong_password: 'needs_reauth',
  server_down: 'unreachable',
  not_checked: 'new',
};

export interface Seeded {
  admin: Client;
  member: Client;
  /** Account id by address. */
  ids: Map<string, string>;
  /** Mailboxes the health check found in another state than the cast says, in words. */
  surprises: string[];
}

export async function seed(world: World): Promise<Seeded> {
  const { regrant } = world;
  const people = {
    admin: appClient(regrant.app, (await regrant.users.add({ email: ADMIN, role: 'admin', name: 'Ada Admin' })).token, ADMIN),
    member: appClient(regrant.app, (await regrant.users.add({ email: MEMBER, role: 'member', name: 'Sam Member' })).token, MEMBER),
  };
  const ids = new Map<string, string>();
  for (const m of world.cast) ids.set(m.email, (await add(world, people[m.owner], m, people.admin)).id);

  await Promise.all(world.cast.map((m) => breakAndCheck(world, people.admin, m, ids.get(m.email)!)));
  for (const m of world.cast) {
    for (let i = 1; i <= (m.pending ?? 0); i++) {
      const res = await people[m.owner].post('/api/messages', { accountId: ids.get(m.email), to: `lead${i}@example.test`, subject: `Following up (${i})`, text: `Hello, a note from ${m.email}.` });
      if (res.status !== 202) throw new Error(`queueing an email for ${m.email} answered ${res.status}: ${await res.text()}`);
    }
  }
  const { accounts } = (await (await people.admin.get('/api/status')).json()) as StatusResponse;
  const surprises = world.cast.flatMap((m) => {
    const found = accounts.find((a) => a.email === m.email)!;
    return found.state === EXPECTED[m.seeded] ? [] : [`${m.email} is ${found.state}, not ${EXPECTED[m.seeded]}${found.reason ? ` (${found.reason.message})` : ''}`];
  });
  return { ...people, ids, surprises };
}

/**
 * Adds the mailbox as its owner: OAuth consent through the stand-in (a member's connect of an
 * address not their own waits for the admin, who approves it), or the accounts API.
 */
async function add(world: World, owner: Client, m: DemoMailbox, admin: Client): Promise<AccountView> {
  const approve = async () => {
    const { pending } = (await (await admin.get('/api/pending-connections')).json()) as { pending: { id: string }[] };
    for (const held of pending) await admin.post(`/api/pending-connections/${held.id}/approve`);
  };
  if (m.provider !== 'custom') return connectThroughConsent(new TestBrowser(world.regrant.app, world.url), owner, world.servers, m.provider, m.email, approve);
  const port = m.seeded === 'server_down' ? world.refusingPort : m.seeded === 'not_checked' ? world.silentPort : null;
  const servers = port ? { smtp: { port }, imap: { port } } : { smtp: world.servers.smtp, imap: world.servers.imap! };
  // The wrong password is the one Regrant was given before the mailbox's holder changed it.
  const password = m.seeded === 'wrong_password' ? `${m.email.split('@')[0]}-old-password` : m.password!;
  const res = await owner.post('/api/accounts', customMailbox(m.email, servers.smtp, servers.imap, password));
  if (res.status !== 201) throw new Error(`adding ${m.email} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as AccountView;
}

/** Breaks the mailbox the way the cast says, then lets the real health check find it. */
async function breakAndCheck(world: World, admin: Client, m: DemoMailbox, id: string): Promise<void> {
  if (m.seeded === 'grant_revoked') world.servers.google.revoke(m.email);
  if (m.seeded === 'password_changed') world.servers.microsoft.revoke(m.email);
  // Entra asks for a new interactive sign-in; the next consent satisfies it.
  if (m.seeded === 'mfa_required') world.servers.microsoft.fail(m.email, 'mfa_required', { untilConsent: true });
  if (m.seeded === 'not_checked') return; // the scheduler starts its check; the server never answers
  // Unreachable takes three transient failures in a row; a connected OAuth mailbox was judged
  // by its consent, a new custom one needs its first check.
  const checks = m.seeded === 'server_down' ? 3 : m.provider === 'custom' || m.seeded !== 'connected' ? 1 : 0;
  for (let i = 0; i < checks; i++) {
    const res = await admin.post(`/api/accounts/${id}/check`);
    if (res.status !== 200) throw new Error(`checking ${m.email} answered ${res.status}: ${await res.text()}`);
  }
}
