import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../shared/api.ts';
import { Popup, type PopupDeps } from '../../extension/components/Popup.tsx';
import { ApiError, type Api } from '../../extension/utils/api.ts';
import type { PollState } from '../../extension/utils/poll.ts';
import { account, statusOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');

function pollState(accounts: AccountStatus[] | null, problem: PollState['problem'] = null): PollState {
  return { source: 's', status: accounts && statusOf(accounts), etag: '"e"', checkedAt: '2026-11-28T11:55:00.000Z', problem };
}

function setup({ cached = null, fresh, api = {}, clipboard }: { cached?: PollState | null; fresh?: PollState | null; api?: Partial<Api>; clipboard?: (t: string) => Promise<void> }) {
  const calls = { tabs: [] as string[], accounts: [] as Array<string | null>, options: 0, copied: [] as string[] };
  let resolvePoll!: (s: PollState | null) => void;
  const polled = new Promise<PollState | null>((r) => (resolvePoll = r));
  const deps: PopupDeps = {
    watchState: () => () => undefined,
    pollNow: () => polled,
    api: async () => api as Api,
    openTab: async (url) => void calls.tabs.push(url),
    openAccounts: (id) => void calls.accounts.push(id),
    openOptions: () => void calls.options++,
    writeClipboard: clipboard ?? (async (t) => void calls.copied.push(t)),
    now: () => NOW,
  };
  render(<Popup deps={deps} cached={cached} />);
  if (fresh !== undefined) resolvePoll(fresh);
  return { calls, finishPoll: resolvePoll };
}

const rows = () => screen.getAllByRole('listitem').map((li) => li.querySelector('.email')!.textContent);

afterEach(cleanup);

describe('the popup', () => {
  it('lists mailboxes needing re-authentication first, then unreachable, then the rest', async () => {
    setup({
      fresh: pollState([
        account('zed@acme.test', 'connected'),
        account('bob@acme.test', 'unreachable', 'custom'),
        account('sam@acme.test', 'needs_reauth', 'microsoft'),
        account('amy@acme.test', 'needs_reauth'),
        account('new@acme.test', 'new', 'custom'),
      ]),
    });
    await screen.findByText('2 mailboxes need re-authentication');
    expect(rows()).toEqual(['amy@acme.test', 'sam@acme.test', 'bob@acme.test', 'new@acme.test', 'zed@acme.test']);
  });

  it('shows for each row the provider, state, reason, since when and pending emails', async () => {
    setup({ fresh: pollState([account('amy@acme.test', 'needs_reauth', 'google', { stateChangedAt: '2026-11-28T09:00:00.000Z', pendingEmails: 4 })]) });
    const row = (await screen.findAllByRole('listitem'))[0];
    expect(row.textContent).toContain('Gmail');
    expect(row.textContent).toContain('Needs re-authentication');
    expect(row.textContent).toContain('for 3 h');
    expect(row.textContent).toContain('4 emails waiting');
    expect(row.textContent).toContain('Google says the access was revoked or has expired.');
  });

  it('shows the cached list at once, before the fresh poll answers', async () => {
    const { finishPoll } = setup({ cached: pollState([account('amy@acme.test', 'needs_reauth')]) });
    expect(await screen.findByText('amy@acme.test')).toBeTruthy();
    finishPoll(pollState([account('amy@acme.test', 'connected')]));
    await screen.findByText('No mailbox needs re-authentication (1 mailbox)');
  });

  it('Re-grant asks the server for the one-time URL and opens it in a new tab', async () => {
    const asked: string[] = [];
    const { calls } = setup({
      fresh: pollState([account('amy@acme.test', 'needs_reauth')]),
      api: { regrant: async (id: string) => (asked.push(id), { url: 'https://regrant.test/oauth/start/tok' }) },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Re-grant amy@acme.test' }));
    await waitFor(() => expect(calls.tabs).toEqual(['https://regrant.test/oauth/start/tok']));
    expect(asked).toEqual(['acc_amy']);
  });

  it('Copy link copies the share link and says when it expires', async () => {
    const { calls } = setup({
      fresh: pollState([account('amy@acme.test', 'needs_reauth')]),
      api: { shareLink: async () => ({ url: 'https://regrant.test/r/abc', expiresAt: '2026-12-01T12:00:00.000Z' }) },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Copy link for amy@acme.test' }));
    await screen.findByText('Copied: expires in 72 h');
    expect(calls.copied).toEqual(['https://regrant.test/r/abc']);
  });

  it('when the clipboard refuses, the link is shown to copy by hand', async () => {
    setup({
      fresh: pollState([account('amy@acme.test', 'needs_reauth')]),
      api: { shareLink: async () => ({ url: 'https://regrant.test/r/abc', expiresAt: '2026-11-29T12:00:00.000Z' }) },
      clipboard: async () => Promise.reject(new Error('Document is not focused.')),
    });
    fireEvent.click(await screen.findByRole('button', { name: /Copy link for/ }));
    await screen.findByText('Copy this link (expires in 24 h): https://regrant.test/r/abc');
  });

  it('a failed action says why in the row', async () => {
    setup({
      fresh: pollState([account('amy@acme.test', 'needs_reauth')]),
      api: { regrant: async () => Promise.reject(new ApiError('request_failed', 'This server is not set up for Google sign-in.', 503)) },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Re-grant amy@acme.test' }));
    await screen.findByText('This server is not set up for Google sign-in.');
  });

  it('custom mailboxes get Fix, which opens the accounts page at the mailbox; connected rows get no button', async () => {
    const { calls } = setup({ fresh: pollState([account('ops@acme.test', 'needs_reauth', 'custom'), account('zed@acme.test', 'connected')]) });
    fireEvent.click(await screen.findByRole('button', { name: 'Fix ops@acme.test' }));
    expect(calls.accounts).toEqual(['acc_ops']);
    const connected = screen.getAllByRole('listitem')[1];
    expect(within(connected).queryAllByRole('button')).toHaveLength(0);
  });

  it('offers a filter beyond ten mailboxes, matching address, provider or state', async () => {
    const many = Array.from({ length: 12 }, (_, i) => account(`user${String(i).padStart(2, '0')}@acme.test`, i < 2 ? 'needs_reauth' : 'connected', i % 2 ? 'microsoft' : 'google'));
    setup({ fresh: pollState(many) });
    const box = await screen.findByRole('searchbox', { name: 'Filter mailboxes' });
    fireEvent.input(box, { target: { value: 'user03' } });
    expect(rows()).toEqual(['user03@acme.test']);
    fireEvent.input(box, { target: { value: 'outlook needs' } });
    expect(rows()).toEqual(['user01@acme.test']);
    fireEvent.input(box, { target: { value: 'nobody' } });
    await screen.findByText('No mailbox matches "nobody".');
  });

  it('a long list shows its first rows at once and all of them a moment later', async () => {
    const boxes = Array.from({ length: 120 }, (_, i) => account(`box${String(i).padStart(3, '0')}@acme.test`, 'connected'));
    setup({ cached: pollState(boxes) });
    const first = rows();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(120);
    expect(first).toEqual(boxes.slice(0, first.length).map((a) => a.email));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(120));
    expect(rows()[119]).toBe('box119@acme.test');
  });

  it('the filter finds mailboxes of a long list that are not on the page yet', async () => {
    setup({ cached: pollState(Array.from({ length: 120 }, (_, i) => account(`box${String(i).padStart(3, '0')}@acme.test`, 'connected'))) });
    expect(rows()).not.toContain('box117@acme.test');
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter mailboxes' }), { target: { value: 'box117' } });
    expect(rows()).toEqual(['box117@acme.test']);
  });

  it('opened with the first page of a long list, reads the whole list after the first frame', async () => {
    const boxes = Array.from({ length: 250 }, (_, i) => account(`box${String(i).padStart(3, '0')}@acme.test`, 'connected'));
    const whole = pollState(boxes);
    const head: PollState = { ...whole, status: { ...whole.status!, accounts: boxes.slice(0, 200) }, partial: true };
    let reads = 0;
    const deps = {
      watchState: () => () => undefined,
      pollNow: () => new Promise<PollState | null>(() => undefined),
      readCached: async () => (reads++, whole),
      now: () => NOW,
    } as unknown as PopupDeps;
    render(<Popup deps={deps} cached={head} />);
    expect(screen.queryByRole('navigation', { name: 'Pages of mailboxes' })).toBeNull();
    await screen.findByRole('navigation', { name: 'Pages of mailboxes' });
    expect(reads).toBe(1);
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter mailboxes' }), { target: { value: 'box249' } });
    expect(rows()).toEqual(['box249@acme.test']);
  });

  it('asks the background for a fresh list only once the cached list is on the page', async () => {
    const listedWhenAsked: number[] = [];
    const deps = {
      watchState: () => () => undefined,
      pollNow: async () => (listedWhenAsked.push(screen.queryAllByRole('listitem').length), null),
    } as unknown as PopupDeps;
    render(<Popup deps={{ ...deps, now: () => NOW }} cached={pollState([account('amy@acme.test', 'needs_reauth')])} />);
    await waitFor(() => expect(listedWhenAsked).toEqual([1]));
  });

  it('has no filter for ten mailboxes or fewer', async () => {
    setup({ fresh: pollState([account('a@acme.test', 'connected')]) });
    await screen.findByText('a@acme.test');
    expect(screen.queryByRole('searchbox')).toBeNull();
  });

  it('says how to start when not configured', async () => {
    const { calls } = setup({ fresh: pollState(null, { code: 'not_configured', message: 'Open the options' }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Open options' }));
    expect(calls.options).toBe(1);
  });

  it('when the server cannot be reached, says so and marks the last list as possibly out of date', async () => {
    setup({ fresh: pollState([account('amy@acme.test', 'needs_reauth')], { code: 'unreachable', message: 'Cannot reach https://regrant.acme.test.' }) });
    await screen.findByText('Cannot reach https://regrant.acme.test.');
    screen.getByText('Showing the list as of 5 min ago; it may be out of date.');
    expect(screen.queryByText(/need re-authentication/)).toBeNull();
  });

  it('says so when the background could not answer and nothing is cached', async () => {
    const { finishPoll } = setup({});
    finishPoll(null);
    await screen.findByText(/could not get the mailboxes' state/);
  });

  it('has useful loading and empty states', async () => {
    const { finishPoll } = setup({});
    await screen.findByText('Checking your mailboxes…');
    finishPoll(pollState([]));
    await screen.findByText(/No mailboxes yet/);
  });
});
