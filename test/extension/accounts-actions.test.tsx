/**
 * The accounts page as a new user meets it: mailboxes in the order a person counts, each row
 * with its provider, owner, time in its state and emails waiting; a filter that matches nothing
 * says so; counts that follow the server; and every action of a mailbox (Add, Check now, Copy
 * link, Change owner, Remove) with what it says.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStatus, AccountView, ServerHealth } from '../../shared/api.ts';
import { AccountsPage, type AccountsPageDeps } from '../../extension/components/AccountsPage.tsx';
import { ApiError, type Api } from '../../extension/utils/api.ts';
import { account, statusOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const HEALTH: ServerHealth = {
  version: '0.1.0',
  degraded: false,
  problems: [],
  checks: { intervalSeconds: 300, overdue: 0, lastCycle: null },
  outbox: { waiting: 0, oldestAt: null },
  alertEmails: { waiting: 0, oldestAt: null, failing: 0, lastError: null },
};

function viewOf(a: AccountStatus): AccountView {
  return { ...a, name: null, owner: { id: 'usr_1', email: a.ownerEmail ?? 'ann@acme.test' }, smtp: null, imap: null, nextCheckAt: null, createdAt: a.stateChangedAt, updatedAt: a.stateChangedAt };
}

interface World {
  accounts: AccountStatus[];
  calls: string[];
  tabs: string[];
  clipboard: string[];
}

function setup(accounts: AccountStatus[], { admin = true, selected = null as string | null, api: extra = {} as Partial<Api> } = {}) {
  const world: World = { accounts, calls: [], tabs: [], clipboard: [] };
  const find = (id: string) => world.accounts.find((a) => a.id === id)!;
  const api: Partial<Api> = {
    status: async () => ({ changed: true, status: statusOf(world.accounts), etag: null }),
    account: async (id) => viewOf(find(id)),
    events: async () => [],
    serverHealth: async () => (admin ? HEALTH : null),
    me: async () => ({ id: 'usr_1', email: 'ann@acme.test', name: null, role: admin ? ('admin' as const) : ('member' as const) }),
    checkNow: async (id) => (world.calls.push(`check ${id}`), viewOf(find(id))),
    shareLink: async (id) => (world.calls.push(`link ${id}`), { url: `https://regrant.acme.test/r/tok-${id}`, expiresAt: '2026-12-01T12:00:00.000Z' }),
    update: async (id, patch) => (world.calls.push(`update ${id} ${JSON.stringify(patch)}`), viewOf(find(id))),
    remove: async (id) => {
      world.calls.push(`remove ${id}`);
      world.accounts = world.accounts.filter((a) => a.id !== id);
    },
    connect: async (provider) => (world.calls.push(`connect ${provider}`), { url: `https://regrant.acme.test/oauth/start/${provider}` }),
    ...extra,
  };
  const deps: AccountsPageDeps = {
    api: async () => api as Api,
    selectedId: () => selected,
    select: () => undefined,
    pollNow: async () => null,
    openTab: async (url) => void world.tabs.push(url),
    writeClipboard: async (text) => void world.clipboard.push(text),
    saveFile: () => undefined,
    now: () => NOW,
    refreshMs: 30,
  };
  render(<AccountsPage deps={deps} />);
  return world;
}

const list = () => screen.findByRole('list', { name: 'Mailboxes' });

afterEach(cleanup);

describe('the accounts page\'s list', () => {
  it('sorts addresses as a person counts: rep1, rep2, rep10', async () => {
    setup(['rep10@acme.test', 'rep2@acme.test', 'rep1@acme.test'].map((e) => account(e, 'connected')));
    const emails = within(await list()).getAllByText(/^rep\d+@acme\.test$/).map((e) => e.textContent);
    expect(emails).toEqual(['rep1@acme.test', 'rep2@acme.test', 'rep10@acme.test']);
  });

  it('shows each mailbox\'s provider, owner, time in its state and emails waiting', async () => {
    setup([account('sales@acme.test', 'needs_reauth', 'microsoft', { ownerEmail: 'ann@acme.test', pendingEmails: 3, stateChangedAt: '2026-11-28T09:00:00.000Z' })]);
    const row = within((await list()).querySelector('li.row')!);
    expect(row.getByText('Outlook · owner ann@acme.test')).toBeTruthy();
    expect(row.getByText('for 3 h')).toBeTruthy();
    expect(row.getByText('3 emails waiting')).toBeTruthy();
  });

  it('says so when the filter matches nothing, and clears it', async () => {
    setup([account('sales@acme.test', 'connected')]);
    await list();
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter mailboxes' }), { target: { value: 'zebra' } });
    const empty = await screen.findByText(/No mailbox matches “zebra”/);
    expect(empty.closest('[role="status"]')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear the filter' }));
    expect(within(await list()).getByText('sales@acme.test')).toBeTruthy();
  });

  it('follows the server: once the emails went, "3 emails waiting" goes from the list and the detail', async () => {
    const world = setup([account('sales@acme.test', 'connected', 'google', { pendingEmails: 3 })], { selected: 'acc_sales' });
    await screen.findByRole('heading', { name: 'sales@acme.test' });
    await waitFor(() => expect(screen.getAllByText(/3 emails waiting/)).toHaveLength(2));
    world.accounts = [{ ...world.accounts[0], pendingEmails: 0 }];
    await waitFor(() => expect(screen.queryAllByText(/emails waiting/)).toHaveLength(0));
  });
});

describe('the actions of a mailbox', () => {
  it('Check now checks it and says so', async () => {
    const world = setup([account('sales@acme.test', 'connected')], { selected: 'acc_sales' });
    fireEvent.click(await screen.findByRole('button', { name: 'Check now' }));
    await screen.findByText('Checked sales@acme.test just now.');
    expect(world.calls).toEqual(['check acc_sales']);
  });

  it('Copy link (Gmail and Outlook only) puts the share link on the clipboard', async () => {
    const world = setup([account('sales@acme.test', 'needs_reauth', 'google')], { selected: 'acc_sales' });
    fireEvent.click(await screen.findByRole('button', { name: 'Copy link for sales@acme.test' }));
    await screen.findByText(/^Copied: expires in/);
    expect(world.clipboard).toEqual(['https://regrant.acme.test/r/tok-acc_sales']);
  });

  it('a custom mailbox has no Copy link', async () => {
    setup([account('ops@acme.test', 'connected', 'custom')], { selected: 'acc_ops' });
    await screen.findByRole('button', { name: 'Check now' });
    expect(screen.queryByRole('button', { name: /Copy link/ })).toBeNull();
  });

  it('Change owner is offered to admins, and gives the mailbox to the address typed', async () => {
    const world = setup([account('sales@acme.test', 'connected')], { selected: 'acc_sales' });
    fireEvent.click(await screen.findByRole('button', { name: 'Change owner' }));
    fireEvent.input(screen.getByLabelText('New owner (a Regrant user\'s email)'), { target: { value: 'bob@acme.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save owner' }));
    await screen.findByText('bob@acme.test owns this mailbox now.');
    expect(world.calls).toEqual(['update acc_sales {"owner":"bob@acme.test"}']);
  });

  it('members are not offered Change owner', async () => {
    setup([account('sales@acme.test', 'connected')], { selected: 'acc_sales', admin: false });
    await screen.findByRole('button', { name: 'Check now' });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: 'Change owner' })).toBeNull();
  });

  it('Remove says how many held emails will be dropped, asks once, and removes', async () => {
    const world = setup([account('sales@acme.test', 'needs_reauth', 'google', { pendingEmails: 3 }), account('other@acme.test', 'connected')], { selected: 'acc_sales' });
    fireEvent.click(await screen.findByRole('button', { name: 'Remove' }));
    const ask = await screen.findByRole('alertdialog', { name: 'Remove' });
    expect(ask.textContent).toContain('Remove sales@acme.test from Regrant? It holds 3 emails waiting: they will be dropped, not sent.');
    expect(world.calls).toEqual([]);
    fireEvent.click(within(ask).getByRole('button', { name: 'Remove sales@acme.test' }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Mailboxes' })).queryByText('sales@acme.test')).toBeNull());
    expect(world.calls).toEqual(['remove acc_sales']);
  });
});

describe('Add mailbox', () => {
  it('Connect Gmail opens the consent page in a new tab, and the new mailbox opens when it is connected', async () => {
    const world = setup([account('old@acme.test', 'connected')]);
    fireEvent.click(await screen.findByRole('button', { name: 'Add mailbox' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connect Gmail' }));
    await screen.findByText('Sign in with Google in the new tab; the mailbox appears here once it is connected.');
    expect(world.tabs).toEqual(['https://regrant.acme.test/oauth/start/google']);
    world.accounts = [...world.accounts, account('new@acme.test', 'connected')];
    await screen.findByRole('heading', { name: 'new@acme.test' });
  });

  it('a custom mailbox: the provider\'s settings are filled in; a failing test keeps what was typed; a passing one adds it', async () => {
    let refuse = true;
    const added: unknown[] = [];
    const world = setup([account('old@acme.test', 'connected')], {
      api: {
        async createAccount(input) {
          added.push(input);
          if (refuse) throw new ApiError('request_failed', 'The new sending (SMTP) settings did not work, so nothing was saved: The SMTP server rejected the username or password.', 422, 'signin_failed', 'smtp');
          const created = account('ann@yahoo.com', 'connected', 'custom');
          world.accounts = [...world.accounts, created];
          return viewOf(created);
        },
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Add mailbox' }));
    const form = within(screen.getByRole('form', { name: 'Custom SMTP/IMAP mailbox' }));
    fireEvent.input(form.getByLabelText('Email address'), { target: { value: 'ann@yahoo.com' } });
    const smtp = within(form.getByRole('group', { name: 'Sending (SMTP)' }));
    expect((smtp.getByLabelText('Server') as HTMLInputElement).value).toBe('smtp.mail.yahoo.com');
    expect((smtp.getByLabelText('Port') as HTMLInputElement).value).toBe('465');
    fireEvent.input(smtp.getByLabelText('Password'), { target: { value: 'app-pass' } });
    fireEvent.click(form.getByRole('button', { name: 'Test and add' }));
    await form.findByText(/so nothing was saved: The SMTP server rejected/);
    expect((smtp.getByLabelText('Password') as HTMLInputElement).value).toBe('app-pass');
    expect(added[0]).toMatchObject({ email: 'ann@yahoo.com', smtp: { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls', username: 'ann@yahoo.com', password: 'app-pass' }, imap: { host: 'imap.mail.yahoo.com', password: 'app-pass' } });

    refuse = false;
    fireEvent.click(form.getByRole('button', { name: 'Test and add' }));
    await screen.findByRole('heading', { name: 'ann@yahoo.com' });
  });

  it('a Gmail address is pointed to Connect Gmail', async () => {
    setup([]);
    fireEvent.click(await screen.findByRole('button', { name: 'Add mailbox' }));
    fireEvent.input(screen.getByLabelText('Email address'), { target: { value: 'ann@gmail.com' } });
    await screen.findByText('This is a Gmail address: use Connect Gmail above instead of a password.');
  });
});
