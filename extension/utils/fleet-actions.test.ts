import { describe, expect, it } from 'vitest';
import type { OneTimeLink } from '../../shared/api.ts';
import { account } from '../../test/extension/fixtures.ts';
import { ApiError, createApi } from './api.ts';
import { forEachMailbox, shareText, type MailboxResult } from './fleet-actions.ts';

const mailboxes = (n: number) => Array.from({ length: n }, (_, k) => account(`m${k}@acme.test`, 'needs_reauth'));

describe('forEachMailbox', () => {
  it('runs at most `concurrency` requests at once, reports progress, and answers in the mailboxes\' order', async () => {
    let running = 0;
    let most = 0;
    const progress: string[] = [];
    const results = await forEachMailbox(
      mailboxes(10),
      async (a) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, a.email.startsWith('m1') ? 15 : 2));
        running--;
        return a.email;
      },
      { concurrency: 3, onProgress: (done, total) => progress.push(`${done}/${total}`) },
    );
    expect(most).toBe(3);
    expect(progress).toEqual(Array.from({ length: 10 }, (_, k) => `${k + 1}/10`));
    expect(results.map((r) => r.ok && r.value)).toEqual(mailboxes(10).map((a) => a.email));
  });

  it('waits and tries again while the server answers 429, longer each time; other failures are kept with their message', async () => {
    const waits: number[] = [];
    let tries = 0;
    const [limited, refused] = await forEachMailbox(
      mailboxes(2),
      async (a) => {
        if (a.email === 'm1@acme.test') throw new ApiError('request_failed', 'wrong_provider: custom mailboxes have no share link', 409);
        if (++tries < 3) throw new ApiError('request_failed', 'Too many requests', 429);
        return 'ok';
      },
      { concurrency: 1, wait: async (ms) => void waits.push(ms) },
    );
    expect(limited).toMatchObject({ ok: true, value: 'ok' });
    expect(waits).toEqual([1000, 2000]);
    expect(refused).toMatchObject({ ok: false, error: 'wrong_provider: custom mailboxes have no share link' });
  });

  it('waits as long as Retry-After says, at most a minute', async () => {
    const waits: number[] = [];
    let tries = 0;
    await forEachMailbox(
      mailboxes(1),
      async () => {
        if (++tries === 1) throw new ApiError('request_failed', 'Too many requests', 429, 'rate_limited', undefined, 7000);
        if (tries === 2) throw new ApiError('request_failed', 'Too many requests', 429, 'rate_limited', undefined, 600_000);
        return 'ok';
      },
      { wait: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([7000, 60_000]);
  });

  it('reads Retry-After from the server\'s 429', async () => {
    const limited = () => new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests' } }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '12' } });
    const api = createApi({ serverUrl: 'https://regrant.acme.test', apiToken: 'tok', fetch: async () => limited() });
    const waits: number[] = [];
    const [only] = await forEachMailbox(mailboxes(1), (a) => api.checkNow(a.id), { wait: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([12_000, 12_000, 12_000, 12_000]);
    expect(only).toMatchObject({ ok: false, error: 'Too many requests' });
  });

  it('gives up after five answers of 429, saying so', async () => {
    const [only] = await forEachMailbox(mailboxes(1), async () => Promise.reject(new ApiError('request_failed', 'Too many requests', 429)), { wait: async () => undefined });
    expect(only).toMatchObject({ ok: false, error: 'Too many requests' });
  });
});

describe('shareText', () => {
  const [ann, bob, cy] = ['ann@acme.test', 'bob@acme.test', 'cy@acme.test'].map((e) => account(e, 'needs_reauth'));
  const link = (token: string): OneTimeLink => ({ url: `https://regrant.acme.test/r/${token}`, expiresAt: '2026-12-07T00:00:00.000Z' });

  it('one line per mailbox, address and link apart by a tab; then the mailboxes without one, with why', () => {
    const results: MailboxResult<OneTimeLink>[] = [
      { account: ann, ok: true, value: link('a1') },
      { account: bob, ok: false, error: 'Custom mailboxes have no share link.' },
      { account: cy, ok: true, value: link('c3') },
    ];
    expect(shareText(results)).toBe('ann@acme.test\thttps://regrant.acme.test/r/a1\ncy@acme.test\thttps://regrant.acme.test/r/c3\n\nNo link for these mailboxes:\nbob@acme.test: Custom mailboxes have no share link.');
  });

  it('links alone when every one was made, reasons alone when none was', () => {
    expect(shareText([{ account: ann, ok: true, value: link('a1') }])).toBe('ann@acme.test\thttps://regrant.acme.test/r/a1');
    expect(shareText([{ account: bob, ok: false, error: 'No.' }])).toBe('No link for these mailboxes:\nbob@acme.test: No.');
  });
});
