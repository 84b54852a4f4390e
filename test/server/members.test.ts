/**
 * Admins manage the people of the workspace through the API: list them with their last use
 * and mailboxes, invite by address with a role, change roles, remove someone (their tokens die
 * at once, cached or not; their mailboxes go to the owner the admin picks), and can never leave
 * the workspace without an admin, even when two admins demote each other at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberListSchema, meSchema, inviteViewSchema } from '../../shared/members.ts';
import { startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let ann: Client;
let annId: string;

beforeAll(async () => {
  rg = await startRegrant();
  ann = await rg.user('ann@acme.test', 'admin');
  annId = meSchema.parse(await (await ann.get('/api/me')).json()).id;
});
afterAll(() => rg?.destroy());

const idOf = async (c: Client) => meSchema.parse(await (await c.get('/api/me')).json()).id;
const list = async (c: Client = ann) => memberListSchema.parse(await (await c.get('/api/members')).json());
const mailbox = (email: string) => ({ email, smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: email, password: 'pw' }, imap: { host: '127.0.0.1', port: 1143, security: 'none', username: email, password: 'pw' } });

describe('members', () => {
  it('GET /api/me says who the token belongs to', async () => {
    expect(await (await ann.get('/api/me')).json()).toEqual({ id: annId, email: 'ann@acme.test', name: null, role: 'admin' });
  });

  it('lists people with their role, last use and mailboxes owned; members may not', async () => {
    const max = await rg.user('max@acme.test', 'member');
    expect((await max.post('/api/accounts', mailbox('sales1@acme.test'))).status).toBe(201);
    expect((await max.post('/api/accounts', mailbox('sales2@acme.test'))).status).toBe(201);
    const { members } = await list();
    const row = members.find((m) => m.email === 'max@acme.test')!;
    expect(row).toMatchObject({ role: 'member', mailboxes: 2 });
    expect(Date.now() - Date.parse(row.lastSeenAt!)).toBeLessThan(60_000);
    const forbidden = await max.get('/api/members');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: { code: 'forbidden', message: 'only an admin can manage members' } });
  });

  it('invites an address with a role for 7 days; re-inviting a user answers 409; an invitation can be withdrawn', async () => {
    const res = await ann.post('/api/members', { email: ' Ida@Acme.test ', role: 'member' });
    expect(res.status).toBe(201);
    const invite = inviteViewSchema.parse(await res.json());
    expect(invite).toMatchObject({ email: 'ida@acme.test', role: 'member', invitedBy: 'ann@acme.test' });
    expect(Date.parse(invite.expiresAt) - Date.parse(invite.createdAt)).toBe(7 * 86_400_000);
    expect((await list()).invites.map((i) => i.email)).toContain('ida@acme.test');

    const again = await ann.post('/api/members', { email: 'ann@acme.test', role: 'member' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'member_exists', field: 'email' } });
    const bad = await ann.post('/api/members', { email: 'not-an-address', role: 'owner' });
    expect(bad.status).toBe(422);

    expect((await ann.del(`/api/members/${invite.id}`)).status).toBe(204);
    expect((await list()).invites.map((i) => i.email)).not.toContain('ida@acme.test');
    expect((await ann.del(`/api/members/${invite.id}`)).status).toBe(404);
  });

  it('changes a role', async () => {
    const zoe = await rg.user('zoe@acme.test', 'member');
    const id = await idOf(zoe);
    const res = await ann.patch(`/api/members/${id}`, { role: 'admin' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, role: 'admin' });
    expect((await zoe.get('/api/members')).status).toBe(200);
    expect((await ann.patch(`/api/members/${id}`, { role: 'member' })).status).toBe(200);
    expect((await zoe.get('/api/members')).status).toBe(403);
  });

  it('removing someone needs an owner for their mailboxes: 422 naming owner when it is missing, unknown or them', async () => {
    const kim = await rg.user('kim@acme.test', 'member');
    const id = await idOf(kim);
    for (const [query, message] of [
      ['', /owner: say who takes over kim@acme.test's mailboxes/],
      ['?owner=usr_nobody', /owner: there is no member usr_nobody/],
      [`?owner=${id}`, /owner: kim@acme.test is the person being removed/],
    ] as const) {
      const res = await ann.del(`/api/members/${id}${query}`);
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; field: string; message: string } };
      expect(body.error).toMatchObject({ code: 'invalid_input', field: 'owner' });
      expect(body.error.message).toMatch(message);
    }
    expect((await kim.get('/api/me')).status).toBe(200);
  });

  it('removing someone kills every token of theirs at once, cached or not, and hands their mailboxes over', async () => {
    const lou = await rg.user('lou@acme.test', 'member');
    const second = rg.client((await rg.users.createToken('lou@acme.test', 'laptop')).token);
    expect((await lou.post('/api/accounts', mailbox('lou-box@acme.test'))).status).toBe(201);
    // Both tokens looked up once, so their answers sit in the lookup cache.
    expect((await lou.get('/api/status')).status).toBe(200);
    expect((await second.get('/api/status')).status).toBe(200);
    const id = await idOf(lou);
    expect((await ann.del(`/api/members/${id}?owner=${annId}`)).status).toBe(204);
    expect((await lou.get('/api/status')).status).toBe(401);
    expect((await second.get('/api/me')).status).toBe(401);
    const { accounts } = (await (await ann.get('/api/accounts')).json()) as { accounts: { email: string; owner: { email: string } }[] };
    expect(accounts.find((a) => a.email === 'lou-box@acme.test')?.owner.email).toBe('ann@acme.test');
    expect((await list()).members.map((m) => m.email)).not.toContain('lou@acme.test');
  });

  it('the last admin can be neither removed nor demoted (409, saying why)', async () => {
    const demote = await ann.patch(`/api/members/${annId}`, { role: 'member' });
    expect(demote.status).toBe(409);
    expect(await demote.json()).toEqual({ error: { code: 'last_admin', message: 'ann@acme.test is the last admin: make someone else an admin first, so that the workspace keeps one' } });
    const heir = await idOf(await rg.user('hal@acme.test', 'member'));
    const remove = await ann.del(`/api/members/${annId}?owner=${heir}`);
    expect(remove.status).toBe(409);
    expect(((await remove.json()) as { error: { message: string } }).error.message).toMatch(/ann@acme.test is the last admin and cannot be removed/);
    expect((await ann.get('/api/me')).status).toBe(200);
  });

  it('two admins demoting each other at the same moment still leave one', async () => {
    const bea = await rg.user('bea@acme.test', 'admin');
    const beaId = await idOf(bea);
    const [a, b] = await Promise.all([ann.patch(`/api/members/${beaId}`, { role: 'member' }), bea.patch(`/api/members/${annId}`, { role: 'member' })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const admins = (await rg.users.list()).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(1);
    // Put things back for whoever runs next.
    const survivor = admins[0].email === 'ann@acme.test' ? ann : bea;
    const other = survivor === ann ? beaId : annId;
    expect((await survivor.patch(`/api/members/${other}`, { role: 'admin' })).status).toBe(200);
  });
});

describe('handing mailboxes over on removal', () => {
  it('refuses a member heir who would pass MAX_MAILBOXES_PER_MEMBER (429 naming owner, nothing changed); an admin heir has no limit', async () => {
    const small = await startRegrant({ MAX_MAILBOXES_PER_MEMBER: '2' });
    try {
      const admin = await small.user('ada@acme.test', 'admin');
      const leaver = await small.user('lea@acme.test', 'member');
      const heir = await small.user('hugo@acme.test', 'member');
      for (const [who, email] of [[leaver, 'lea-1@acme.test'], [leaver, 'lea-2@acme.test'], [heir, 'hugo-1@acme.test']] as const) {
        expect((await who.post('/api/accounts', mailbox(email))).status).toBe(201);
      }
      const leaverId = await idOf(leaver);
      const refused = await admin.del(`/api/members/${leaverId}?owner=${await idOf(heir)}`);
      expect(refused.status).toBe(429);
      const { error } = (await refused.json()) as { error: { code: string; message: string; field?: string } };
      expect(error.code).toBe('mailbox_limit');
      expect(error.message).toMatch(/^owner: hugo@acme.test has 1 mailboxes and would have 3 with lea@acme.test's 2, .*MAX_MAILBOXES_PER_MEMBER is 2/);
      // Nothing moved and nobody was removed.
      expect((await leaver.get('/api/me')).status).toBe(200);
      const owners = async () => ((await (await admin.get('/api/accounts')).json()) as { accounts: { email: string; owner: { email: string } }[] }).accounts.map((a) => [a.email, a.owner.email]).sort();
      expect(await owners()).toEqual([['hugo-1@acme.test', 'hugo@acme.test'], ['lea-1@acme.test', 'lea@acme.test'], ['lea-2@acme.test', 'lea@acme.test']]);
      expect((await admin.del(`/api/members/${leaverId}?owner=${await idOf(admin)}`)).status).toBe(204);
      expect(await owners()).toEqual([['hugo-1@acme.test', 'hugo@acme.test'], ['lea-1@acme.test', 'ada@acme.test'], ['lea-2@acme.test', 'ada@acme.test']]);
    } finally {
      await small.destroy();
    }
  });
});
