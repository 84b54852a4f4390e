import { fakeBrowser } from 'wxt/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from './api.ts';
import { createPoller, headOf, pollStateItem, readCachedPoll, type PollState } from './poll.ts';
import type { Settings } from './settings.ts';
import { account, scriptedFetch, statusOf, type Reply } from '../../test/extension/fixtures.ts';

const SETTINGS: Settings = { serverUrl: 'https://regrant.acme.test', apiToken: 'rg_secret_token', pollSeconds: 60 };
const STATUS = statusOf([account('sales@acme.test', 'needs_reauth'), account('ops@acme.test', 'connected', 'custom')]);

function poller(replies: Reply[], settings: Settings = SETTINGS) {
  const net = scriptedFetch(replies);
  let current = settings;
  const p = createPoller({ loadSettings: async () => current, makeApi: (o) => createApi({ ...o, fetch: net.fetch }) });
  return { ...p, requests: net.requests, use: (s: Settings) => (current = s) };
}

beforeEach(() => fakeBrowser.reset());

describe('polling /api/status', () => {
  it('sends the token, keeps the ETag, and asks with If-None-Match next time; a 304 keeps the list', async () => {
    const p = poller([{ status: 200, body: STATUS, etag: '"v1"' }, { status: 304 }]);
    const first = await p.poll();
    expect(first).toMatchObject({ status: STATUS, etag: '"v1"', problem: null });
    expect(p.requests[0]).toMatchObject({ url: 'https://regrant.acme.test/api/status', headers: { authorization: 'Bearer rg_secret_token' } });
    expect(p.requests[0].headers['if-none-match']).toBeUndefined();

    const second = await p.poll();
    expect(p.requests[1].headers['if-none-match']).toBe('"v1"');
    expect(second.status).toEqual(STATUS);
    expect(second.problem).toBeNull();
    expect(await pollStateItem.getValue()).toEqual(second);
  });

  it('a new ETag replaces the list', async () => {
    const fixed = statusOf([account('sales@acme.test', 'connected'), account('ops@acme.test', 'connected', 'custom')]);
    const p = poller([{ status: 200, body: STATUS, etag: '"v1"' }, { status: 200, body: fixed, etag: '"v2"' }, { status: 304 }]);
    await p.poll();
    expect((await p.poll()).status!.counts.needsReauth).toBe(0);
    await p.poll();
    expect(p.requests[2].headers['if-none-match']).toBe('"v2"');
  });

  it('a server that goes down keeps the last list but marks the state unknown', async () => {
    const p = poller([{ status: 200, body: STATUS, etag: '"v1"' }, new Error('down')]);
    await p.poll();
    const down = await p.poll();
    expect(down.problem).toEqual({ code: 'unreachable', message: 'Cannot reach https://regrant.acme.test. Check the address, and that the server is running.' });
    expect(down.status).toEqual(STATUS);
  });

  it.each<[string, Reply, string]>([
    ['a rejected token', { status: 401, body: { error: { code: 'unauthorized', message: 'unknown token' } } }, 'token_rejected'],
    ['a web page instead of the API', { status: 200, body: '<html>hello</html>', contentType: 'text/html' }, 'not_regrant'],
    ['a 404 from another server', { status: 404, body: 'Not Found', contentType: 'text/plain' }, 'not_regrant'],
    ['JSON that is not a status', { status: 200, body: { hello: 'world' } }, 'not_regrant'],
    ['a server failure', { status: 500, body: { error: { code: 'internal', message: 'boom' } } }, 'server_error'],
  ])('%s makes the state unknown (%s)', async (_, reply, code) => {
    const state = await poller([reply]).poll();
    expect(state.problem?.code).toBe(code);
    expect(state.status).toBeNull();
  });

  it('without a server URL or token nothing is fetched and the state is "not configured"', async () => {
    const p = poller([], { ...SETTINGS, apiToken: '' });
    expect((await p.poll()).problem?.code).toBe('not_configured');
    expect(p.requests).toHaveLength(0);
  });

  it.each([
    ['server', { serverUrl: 'https://other.acme.test' }],
    ['token (even one sharing its first characters)', { apiToken: 'rg_secret_other' }],
  ])('another %s never reuses the old ETag or list', async (_, change) => {
    const p = poller([{ status: 200, body: STATUS, etag: '"v1"' }, new Error('down')]);
    await p.poll();
    p.use({ ...SETTINGS, ...change });
    const other = await p.poll();
    expect(p.requests[1].headers['if-none-match']).toBeUndefined();
    expect(other.status).toBeNull();
  });

  it('the cache never holds the token itself', async () => {
    await poller([{ status: 200, body: STATUS, etag: '"v1"' }]).poll();
    expect(JSON.stringify(await pollStateItem.getValue())).not.toContain('rg_secret');
  });

  it('a poll asked for after the settings changed is not answered by one still running with the old ones', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    let current = SETTINGS;
    const p = createPoller({
      loadSettings: async () => current,
      makeApi: (o) =>
        createApi({
          ...o,
          fetch: (async (url: string) => {
            seen.push(url);
            if (url.startsWith('https://old')) await held;
            return new Response(JSON.stringify(STATUS), { status: 200, headers: { 'content-type': 'application/json', etag: '"n"' } });
          }) as typeof fetch,
        }),
    });
    current = { ...SETTINGS, serverUrl: 'https://old.acme.test' };
    const old = p.poll();
    await new Promise((r) => setTimeout(r, 5));
    current = SETTINGS;
    const fresh = p.poll();
    release();
    await old;
    await fresh;
    expect(seen).toEqual(['https://old.acme.test/api/status', 'https://regrant.acme.test/api/status']);
    expect((await pollStateItem.getValue())!.source).not.toBe((await old).source);
  });

  it('a server that accepts the connection but never answers counts as unreachable', async () => {
    const hanging = ((_: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const state = await createPoller({ loadSettings: async () => SETTINGS, makeApi: (o) => createApi({ ...o, fetch: hanging, timeoutMs: 50 }) }).poll();
    expect(state.problem).toEqual({ code: 'unreachable', message: 'https://regrant.acme.test did not answer within 1 s. Check the address, and that the server is running.' });
  });

  it('once the list has a version, the next poll asks only what changed since, and applies it', async () => {
    const versioned = { ...STATUS, version: 7 };
    const sales = STATUS.accounts[0];
    const fixedSales = { ...sales, state: 'connected' as const, reason: null };
    const delta = { version: 9, counts: { total: 2, connected: 2, needsReauth: 0, unreachable: 0 }, changed: [fixedSales], removed: [] };
    const gone = { version: 10, counts: { total: 1, connected: 1, needsReauth: 0, unreachable: 0 }, changed: [], removed: [STATUS.accounts[1].id] };
    const p = poller([{ status: 200, body: versioned, etag: '"v7"' }, { status: 200, body: delta, etag: '"v9"' }, { status: 304 }, { status: 200, body: gone, etag: '"v10"' }]);
    await p.poll();
    const second = await p.poll();
    expect(p.requests[1]).toMatchObject({ url: 'https://regrant.acme.test/api/status?since=7', headers: { 'if-none-match': '"v7"' } });
    expect(second.status).toMatchObject({ version: 9, counts: { needsReauth: 0 } });
    expect(second.status!.accounts).toEqual([STATUS.accounts[1], fixedSales].sort((a, b) => (a.email < b.email ? -1 : 1)));
    expect((await p.poll()).status).toEqual(second.status);
    expect(p.requests[2].url).toBe('https://regrant.acme.test/api/status?since=9');
    const fourth = await p.poll();
    expect(fourth.status!.accounts).toEqual([fixedSales]);
    expect(fourth.status!.counts.total).toBe(1);
    expect(await pollStateItem.getValue()).toEqual(fourth);
    expect(await fakeBrowser.storage.session.get('pollState')).toEqual({});
  });

  it('a full list marked full (the version kept was too old) replaces the list', async () => {
    const full = { ...statusOf([account('new@acme.test', 'connected')]), version: 40, full: true };
    const p = poller([{ status: 200, body: { ...STATUS, version: 3 }, etag: '"v3"' }, { status: 200, body: full, etag: '"v40"' }]);
    await p.poll();
    expect((await p.poll()).status).toEqual(full);
  });

  it('polls asked for at the same moment share one request', async () => {
    const p = poller([{ status: 200, body: STATUS, etag: '"v1"' }]);
    const [a, b] = await Promise.all([p.poll(), p.poll()]);
    expect(a).toBe(b);
    expect(p.requests).toHaveLength(1);
  });
});

describe('a poll that finds nothing new', () => {
  it('writes only its time and problem, never the list again; the popup and the watchers still see the new time', async () => {
    let clock = Date.parse('2026-12-04T10:00:00.000Z');
    const net = scriptedFetch([{ status: 200, body: STATUS, etag: '"v1"' }, { status: 304 }, new Error('down')]);
    const p = createPoller({ loadSettings: async () => SETTINGS, makeApi: (o) => createApi({ ...o, fetch: net.fetch }), now: () => new Date((clock += 60_000)) });
    await p.poll();
    const written: string[][] = [];
    fakeBrowser.storage.local.onChanged.addListener((changes) => written.push(Object.keys(changes).sort()));
    const heard: Array<PollState | null> = [];
    const stop = pollStateItem.watch((state) => heard.push(state));

    const same = await p.poll();
    expect(same.checkedAt).toBe('2026-12-04T10:02:00.000Z');
    const down = await p.poll();
    expect(down.problem?.code).toBe('unreachable');
    expect(written).toEqual([['pollMeta'], ['pollMeta']]);
    // What every reader gets: the list as it was, with the latest time and problem.
    expect(await pollStateItem.getValue()).toEqual(down);
    expect(await readCachedPoll()).toEqual(down);
    await vi.waitFor(() => expect(heard).toEqual([same, down]));
    stop();
  });
});

describe('the cached poll the popup shows', () => {
  const cached: PollState = { source: 's', status: STATUS, etag: '"v1"', checkedAt: '2026-11-28T11:55:00.000Z', problem: null };

  it('the popup hears of each poll the background stores, and of nothing else', async () => {
    const heard: Array<PollState | null> = [];
    const stop = pollStateItem.watch((state) => heard.push(state));
    await pollStateItem.setValue(cached);
    await fakeBrowser.storage.local.set({ somethingElse: 1 });
    await pollStateItem.setValue(null);
    stop();
    await pollStateItem.setValue(cached);
    expect(heard).toEqual([cached, null]);
  });

  it("the popup's first render uses the read its script asked for first, else reads the first page for itself", async () => {
    const asked = Promise.resolve({ pollHead: JSON.stringify(cached) });
    expect(await readCachedPoll(asked)).toEqual(cached);
    expect(await readCachedPoll()).toBeNull();
    await pollStateItem.setValue(cached);
    expect(await readCachedPoll()).toEqual(cached);
  });
});

describe('the first page kept beside the whole list', () => {
  it('a list longer than a page is stored whole, and beside it its first page in the popup order, marked partial', async () => {
    const boxes = Array.from({ length: 450 }, (_, i) => account(`box${String(i).padStart(3, '0')}@acme.test`, i === 300 ? 'needs_reauth' : 'connected', 'custom'));
    const state: PollState = { source: 's', status: statusOf(boxes), etag: '"v1"', checkedAt: null, problem: null };
    await pollStateItem.setValue(state);
    expect(await pollStateItem.getValue()).toEqual(state);
    const head = (await readCachedPoll())!;
    expect(head.partial).toBe(true);
    expect(head.status!.counts).toEqual(state.status!.counts);
    expect(head.status!.accounts).toHaveLength(200);
    expect(head.status!.accounts[0].email).toBe('box300@acme.test');
    expect(head.status!.accounts[1].email).toBe('box000@acme.test');
    const small = { ...state, status: statusOf(boxes.slice(0, 3)) };
    expect(headOf(small)).toBe(small);
    await pollStateItem.setValue(null);
    expect(await readCachedPoll()).toBeNull();
  });
});
