/**
 * The status poll sends only what changed: a member and an admin poll with `?since=`, and see
 * exactly the mailboxes that changed for them, the ones they no longer see, exact counts, and
 * the whole list again when what they ask is too old to answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, StatusDelta, StatusResponse } from '../../shared/api.ts';
import { statusDeltaSchema, statusResponseSchema } from '../../shared/responses.ts';
import { newAccountRow } from '../../server/accounts/new-row.ts';
import { customMailbox, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';

let rg: TestRegrant;
let admin: Client;
let mia: Client;
let max: Client;

const body = (email: string) => customMailbox(email, { port: 2525 }, { port: 1143 }, 'pw');
const create = async (who: Client, email: string, extra: object = {}) => (await (await who.post('/api/accounts', { ...body(email), ...extra })).json()) as AccountView;

async function full(who: Client): Promise<{ status: StatusResponse; etag: string }> {
  const res = await who.get('/api/status');
  expect(res.status).toBe(200);
  return { status: statusResponseSchema.parse(await res.json()), etag: res.headers.get('etag')! };
}

async function delta(who: Client, since: number): Promise<StatusDelta> {
  const res = await who.get(`/api/status?since=${since}`);
  expect(res.status).toBe(200);
  const raw = await res.json();
  expect(raw).not.toHaveProperty('accounts');
  return statusDeltaSchema.parse(raw);
}

beforeAll(async () => {
  rg = await startRegrant();
  admin = await rg.user('admin@acme.test', 'admin');
  mia = await rg.user('mia@acme.test', 'member');
  max = await rg.user('max@acme.test', 'member');
  await create(mia, 'mia.one@acme.test');
  await create(mia, 'mia.two@acme.test');
  await create(max, 'max.one@acme.test');
});
afterAll(() => rg?.destroy());

describe('GET /api/status?since=VERSION', () => {
  it('answers nothing changed as an empty delta with exact counts, and a 304 on the same ETag', async () => {
    const { status, etag } = await full(mia);
    expect(status.version).toBeGreaterThan(0);
    const same = await delta(mia, status.version!);
    expect(same).toEqual({ version: status.version, counts: status.counts, changed: [], removed: [], serverDegraded: false });
    expect((await mia.get(`/api/status?since=${status.version}`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('a change of one mailbox: the member and the admin get that mailbox alone; the other member a 304', async () => {
    const miaBefore = await full(mia);
    const adminBefore = await full(admin);
    const maxBefore = await full(max);
    const two = miaBefore.status.accounts.find((a) => a.email === 'mia.two@acme.test')!;
    expect((await mia.patch(`/api/accounts/${two.id}`, { name: 'Mia (two)' })).status).toBe(200);

    const forMia = await delta(mia, miaBefore.status.version!);
    expect(forMia.changed.map((a) => [a.email, a.name])).toEqual([['mia.two@acme.test', 'Mia (two)']]);
    expect(forMia.removed).toEqual([]);
    expect(forMia.counts).toEqual(miaBefore.status.counts);
    expect(forMia.version).toBeGreaterThan(miaBefore.status.version!);
    const forAdmin = await delta(admin, adminBefore.status.version!);
    expect(forAdmin.changed.map((a) => a.email)).toEqual(['mia.two@acme.test']);
    expect((await max.get(`/api/status?since=${maxBefore.status.version}`, { 'if-none-match': maxBefore.etag })).status).toBe(304);
    // Asked from the newer version, nothing is left to send.
    expect((await delta(mia, forMia.version)).changed).toEqual([]);
  });

  it('a new mailbox is changed, a removed one is removed, and counts follow', async () => {
    const before = await full(mia);
    const adminBefore = await full(admin);
    const added = await create(mia, 'mia.three@acme.test');
    const one = before.status.accounts.find((a) => a.email === 'mia.one@acme.test')!;
    expect((await mia.del(`/api/accounts/${one.id}`)).status).toBe(204);

    const forMia = await delta(mia, before.status.version!);
    expect(forMia.changed.map((a) => a.id)).toEqual([added.id]);
    expect(forMia.removed).toEqual([one.id]);
    expect(forMia.counts.total).toBe(before.status.counts.total);
    const forAdmin = await delta(admin, adminBefore.status.version!);
    expect(forAdmin.changed.map((a) => a.id)).toEqual([added.id]);
    expect(forAdmin.removed).toEqual([one.id]);
    // What the delta says, applied to the old list, is the new full list.
    const applied = before.status.accounts.filter((a) => !forMia.removed.includes(a.id) && !forMia.changed.some((c) => c.id === a.id)).concat(forMia.changed);
    expect(applied.map((a) => a.id).sort()).toEqual((await full(mia)).status.accounts.map((a) => a.id).sort());
  });

  it('a mailbox given to another owner is removed for the old owner, changed for the new one, changed for admins', async () => {
    const mias = await full(mia);
    const maxs = await full(max);
    const admins = await full(admin);
    const moving = mias.status.accounts.find((a) => a.email === 'mia.two@acme.test')!;
    expect((await admin.patch(`/api/accounts/${moving.id}`, { owner: 'max@acme.test' })).status).toBe(200);

    const forMia = await delta(mia, mias.status.version!);
    expect(forMia).toMatchObject({ changed: [], removed: [moving.id] });
    expect(forMia.counts.total).toBe(mias.status.counts.total - 1);
    const forMax = await delta(max, maxs.status.version!);
    expect(forMax.changed.map((a) => [a.id, a.ownerEmail])).toEqual([[moving.id, 'max@acme.test']]);
    expect(forMax.removed).toEqual([]);
    expect(forMax.counts.total).toBe(maxs.status.counts.total + 1);
    const forAdmin = await delta(admin, admins.status.version!);
    expect(forAdmin.changed.map((a) => a.id)).toEqual([moving.id]);
    expect(forAdmin.removed).toEqual([]);

    // Given back: mia sees it again as changed, not removed.
    expect((await admin.patch(`/api/accounts/${moving.id}`, { owner: 'mia@acme.test' })).status).toBe(200);
    const back = await delta(mia, mias.status.version!);
    expect(back.changed.map((a) => a.id)).toEqual([moving.id]);
    expect(back.removed).toEqual([]);
  });

  it('a version too old to answer, or from somewhere else, gets the full list marked full', async () => {
    const now = await full(mia);
    for (const since of [0, now.status.version! + 1000]) {
      const res = await mia.get(`/api/status?since=${since}`);
      const answer = statusResponseSchema.parse(await res.json());
      expect(answer.full).toBe(true);
      expect(answer.accounts.map((a) => a.id)).toEqual(now.status.accounts.map((a) => a.id));
    }
    // Removals past their retention raise the floor: a delta from before it is the full list.
    const before = await full(mia);
    const gone = await create(mia, 'mia.four@acme.test');
    expect((await mia.del(`/api/accounts/${gone.id}`)).status).toBe(204);
    expect((await delta(mia, before.status.version!)).removed).toEqual([gone.id]);
    await rg.db.updateTable('status_removals').set({ at: '2000-01-01T00:00:00.000Z' }).execute();
    const later = await create(mia, 'mia.five@acme.test');
    expect((await mia.del(`/api/accounts/${later.id}`)).status).toBe(204);
    const answer = await (await mia.get(`/api/status?since=${before.status.version}`)).json();
    expect(answer).toMatchObject({ full: true });
  });

  it('a since that is not a version is refused with 422 naming it', async () => {
    const res = await mia.get('/api/status?since=yesterday');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('since');
  });
});

describe('a team with 10,000 mailboxes', () => {
  it('after one of them changes, the next poll downloads the one mailbox: at most 16 KB', async () => {
    const big = await startRegrant();
    try {
      const ann = await big.user('ann@acme.test', 'admin');
      const owner = (await big.users.byEmail('ann@acme.test'))!;
      const now = new Date().toISOString();
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        ...newAccountRow({ id: `acc_bulk${String(i).padStart(5, '0')}`, email: `box${i}@acme.test`, name: `Box ${i}`, ownerId: owner.id, provider: 'custom', now }),
        smtp_host: 'smtp.acme.test', smtp_port: 587, smtp_security: 'starttls' as const, smtp_username: `box${i}@acme.test`,
      }));
      for (let i = 0; i < rows.length; i += 500) await big.db.insertInto('accounts').values(rows.slice(i, i + 500)).execute();
      const first = await ann.get('/api/status');
      const whole = await first.text();
      const version = (JSON.parse(whole) as StatusResponse).version!;
      expect((JSON.parse(whole) as StatusResponse).accounts).toHaveLength(10_000);

      expect((await ann.patch('/api/accounts/acc_bulk04242', { name: 'The one that changed' })).status).toBe(200);
      const res = await ann.get(`/api/status?since=${version}`, { 'if-none-match': first.headers.get('etag')! });
      expect(res.status).toBe(200);
      const text = await res.text();
      const answer = statusDeltaSchema.parse(JSON.parse(text));
      expect(answer.changed.map((a) => a.name)).toEqual(['The one that changed']);
      expect(answer.counts.total).toBe(10_000);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024);
      expect(Buffer.byteLength(whole)).toBeGreaterThan(100 * Buffer.byteLength(text));
    } finally {
      await big.destroy();
    }
  });
});
