/**
 * A check that failed without changing the state is shown in the server's words, with how
 * far it counts and when: in the popup's row, and on the accounts page with the history.
 */
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountEvent, AccountView, Trouble } from '../../shared/api.ts';
import { AccountRow, type RowActions } from '../../extension/components/AccountRow.tsx';
import { AccountsPage, type AccountsPageDeps } from '../../extension/components/AccountsPage.tsx';
import type { Api } from '../../extension/utils/api.ts';
import { account, statusOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const MESSAGE = 'Could not reach the SMTP server smtp.acme.test (connection refused) or the IMAP server imap.acme.test (connection refused) just now; still counted as connected; next try in 30 s.';
const TROUBLE: Trouble = { message: MESSAGE, tries: 1, of: 3, at: '2026-11-28T11:59:40.000Z', nextCheckAt: '2026-11-28T12:00:10.000Z' };
const actions: RowActions = { regrant: async () => undefined, copyLink: async () => '', fix: () => undefined };

afterEach(cleanup);

describe('trouble without a change of state', () => {
  it('shows in the popup row of a connected mailbox, and not when there is none', () => {
    render(
      <ul>
        <AccountRow account={account('ops@acme.test', 'connected', 'custom', { trouble: TROUBLE })} minute={NOW.getTime()} actions={actions} />
        <AccountRow account={account('calm@acme.test', 'connected', 'custom')} minute={NOW.getTime()} actions={actions} />
      </ul>,
    );
    const [ops, calm] = screen.getAllByRole('listitem');
    expect(ops.textContent).toContain('Connected');
    expect(ops.querySelector('.trouble')?.textContent).toBe(`${MESSAGE} (1 of 3 tries, just now)`);
    expect(calm.querySelector('.trouble')).toBeNull();
  });

  it('a new mailbox whose first check got no answer reads "No answer yet (1 of 3 tries)" in the popup, not "Not checked yet"', () => {
    const unanswered = { ...TROUBLE, message: 'Could not reach the SMTP server smtp.slow.test just now (no answer in time); not counted as unreachable yet; next try in 30 s.' };
    render(
      <ul>
        <AccountRow account={account('news@acme.test', 'new', 'custom', { trouble: unanswered, lastCheckedAt: unanswered.at })} minute={NOW.getTime()} actions={actions} />
        <AccountRow account={account('fresh@acme.test', 'new', 'custom')} minute={NOW.getTime()} actions={actions} />
      </ul>,
    );
    const [news, fresh] = screen.getAllByRole('listitem');
    expect(news.querySelector('.state')?.textContent).toBe('No answer yet (1 of 3 tries)');
    expect(news.textContent).not.toContain('Not checked yet');
    expect(fresh.querySelector('.state')?.textContent).toBe('Not checked yet');
  });

  it('shows on the accounts page, and the history tells failed checks from state changes', async () => {
    const view: AccountView = {
      ...account('ops@acme.test', 'connected', 'google', { trouble: TROUBLE }),
      name: null,
      owner: { id: 'usr_1', email: 'owner@acme.test' },
      smtp: null,
      imap: null,
      nextCheckAt: TROUBLE.nextCheckAt,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const events: AccountEvent[] = [
      { id: 'evt_2', kind: 'trouble', at: TROUBLE.at, from: 'connected', to: 'connected', reason: { code: 'connection_refused', message: MESSAGE }, detail: null },
      { id: 'evt_1', kind: 'state', at: '2026-11-01T00:00:00.000Z', from: 'new', to: 'connected', reason: { code: 'connected', message: 'Connected with Google.' }, detail: null },
    ];
    const api: Partial<Api> = { status: async () => ({ changed: true, status: statusOf([view]), etag: null }), account: async () => view, events: async () => events };
    const deps: AccountsPageDeps = { api: async () => api as Api, selectedId: () => view.id, select: () => undefined, pollNow: async () => null, openTab: async () => undefined, now: () => NOW };
    render(<AccountsPage deps={deps} />);
    const banner = (await screen.findAllByText(MESSAGE))[0].closest('.banner')!;
    expect(banner.textContent).toContain('1 of 3 tries, just now');
    const history = screen.getAllByRole('listitem').filter((li) => li.querySelector('time'));
    expect(history.map((li) => li.textContent?.replace(/^.*?(?=Check failed|Not checked)/, ''))).toEqual([`Check failed, still connected${MESSAGE}`, 'Not checked yet → ConnectedConnected with Google.']);
  });
});
