/**
 * The accounts page as an admin with a fleet meets it: chips by state with their counts choose
 * what the list shows; broken mailboxes come grouped by cause; checkboxes (a whole group, all
 * shown, a Shift range) choose what the toolbar acts on, and Escape chooses none; the toolbar
 * copies share links (and says which could not be made), checks, exports the custom ones for
 * re-authentication and removes after naming how many; arrow keys move along its buttons.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStatus, AccountView } from '../../shared/api.ts';
import { AccountsPage, type AccountsPageDeps } from '../../extension/components/AccountsPage.tsx';
import { ApiError, type Api } from '../../extension/utils/api.ts';
import { account, statusOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const GOOGLE = { id: 'grant_revoked:provider:google', code: 'grant_revoked', message: 'Google ended the grant for 3 mailboxes', count: 3 };
const HOST = { id: 'smtp_auth_failed:host:mail.acme.test', code: 'smtp_auth_failed', message: 'mail.acme.test rejects the password for 4 mailboxes', count: 4 };

function fleet(): AccountStatus[] {
  return [
    ...['g1', 'g2', 'g3'].map((n) => account(`${n}@acme.test`, 'needs_reauth', 'google', { cause: GOOGLE })),
    ...['c1', 'c2', 'c3', 'c4'].map((n) => account(`${n}@acme.test`, 'needs_reauth', 'custom', { cause: HOST, pendingEmails: n === 'c1' ? 2 : 0 })),
    account('far@acme.test', 'unreachable', 'custom'),
    account('ok1@acme.test', 'connected', 'custom'),
    account('ok2@acme.test', 'connected', 'google'),
  ];
}

const viewOf = (a: AccountStatus): AccountView => ({ ...a, name: null, owner: { id: 'usr_1', email: 'ann@acme.test' }, smtp: null, imap: null, nextCheckAt: null, createdAt: a.stateChangedAt, updatedAt: a.stateChangedAt });

function setup(extra: Partial<Api> = {}) {
  const world = { accounts: fleet(), calls: [] as string[], clipboard: [] as string[], saved: [] as string[] };
  const api: Partial<Api> = {
    status: async () => ({ changed: true, status: statusOf(world.accounts), etag: null }),
    me: async () => ({ id: 'usr_1', email: 'ann@acme.test', name: null, role: 'admin' as const }),
    serverHealth: async () => null,
    shareLink: async (id) => {
      world.calls.push(`link ${id}`);
      if (id.startsWith('acc_c')) throw new ApiError('request_failed', 'Custom mailboxes get no share link yet.', 409, 'wrong_provider');
      return { url: `https://regrant.acme.test/r/tok-${id}`, expiresAt: '2026-12-01T12:00:00.000Z' };
    },
    checkNow: async (id) => {
      world.calls.push(`check ${id}`);
      const a = world.accounts.find((x) => x.id === id)!;
      return viewOf({ ...a, state: id === 'acc_c1' ? 'connected' : a.state });
    },
    exportAccounts: async (ids) => (world.calls.push(`export ${ids.join(' ')}`), { file: new Blob(['csv']), name: 'regrant-reauth-2026-11-28.csv' }),
    remove: async (id) => {
      world.calls.push(`remove ${id}`);
      world.accounts = world.accounts.filter((a) => a.id !== id);
    },
    ...extra,
  };
  const deps: AccountsPageDeps = {
    api: async () => api as Api,
    selectedId: () => null,
    select: () => undefined,
    pollNow: async () => null,
    openTab: async () => undefined,
    writeClipboard: async (text) => void world.clipboard.push(text),
    saveFile: (_file, name) => void world.saved.push(name),
    now: () => NOW,
    refreshMs: 60_000,
  };
  render(<AccountsPage deps={deps} />);
  return world;
}

const list = () => screen.findByRole('list', { name: 'Mailboxes' });
const chip = (name: RegExp) => within(screen.getByRole('group', { name: 'Show mailboxes by state' })).getByRole('button', { name });
const box = (email: string) => screen.getByRole('checkbox', { name: `Select ${email}` }) as HTMLInputElement;
const toolbar = () => screen.getByRole('toolbar', { name: 'Selected mailboxes' });
const act = (name: string) => within(toolbar()).getByRole('button', { name });
const selectedSays = () => document.querySelector('.selected-count')!.textContent;
const groupBox = (heading: string) => {
  const head = screen.getByRole('heading', { name: new RegExp(`^${heading}`) }).closest('li')!;
  return within(head).getByRole('checkbox') as HTMLInputElement;
};

afterEach(cleanup);

describe('the fleet on the accounts page', () => {
  it('chips say how many mailboxes are in each state and choose which the list shows', async () => {
    setup();
    await list();
    expect(chip(/^All/).textContent).toBe('All 10');
    expect(chip(/^Needs re-authentication/).textContent).toBe('Needs re-authentication 7');
    expect(chip(/^Unreachable/).textContent).toBe('Unreachable 1');
    expect(chip(/^Connected/).textContent).toBe('Connected 2');
    // No mailbox is new: no chip for it.
    expect(screen.queryByRole('button', { name: /^Not checked yet/ })).toBeNull();
    expect(chip(/^All/).getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(chip(/^Connected/));
    expect(chip(/^Connected/).getAttribute('aria-pressed')).toBe('true');
    expect(within(await list()).getAllByRole('checkbox', { name: /^Select .+@/ }).map((c) => c.getAttribute('aria-label'))).toEqual(['Select ok1@acme.test', 'Select ok2@acme.test']);
  });

  it('once no mailbox is left in the chosen state, the list shows all again', async () => {
    const world = setup();
    await list();
    fireEvent.click(chip(/^Unreachable/));
    fireEvent.click(act('Select all shown (1)'));
    fireEvent.click(act('Remove selected'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove 1 mailbox' }));
    await screen.findByText('Removed 1 mailbox.');
    expect(world.calls.filter((c) => c.startsWith('remove'))).toEqual(['remove acc_far']);
    await waitFor(() => expect(chip(/^All/).getAttribute('aria-pressed')).toBe('true'));
    expect(chip(/^All/).textContent).toBe('All 9');
    expect(screen.queryByRole('button', { name: /^Unreachable/ })).toBeNull();
    expect(screen.getAllByRole('checkbox', { name: /^Select .+@/ })).toHaveLength(9);
  });

  it('groups the broken mailboxes by cause, largest first, each heading with its count', async () => {
    setup();
    const headings = within(await list()).getAllByRole('heading').map((h) => h.textContent);
    expect(headings).toEqual(['mail.acme.test rejects the password for 4 mailboxes (4)', 'Google ended the grant for 3 mailboxes (3)', 'The server did not answer. (1)', 'Connected (2)']);
  });

  it('a group\'s checkbox selects all of it, shows a mixed state when part is selected, and clears it', async () => {
    setup();
    await list();
    const google = groupBox('Google ended');
    fireEvent.click(google);
    expect(['g1', 'g2', 'g3'].map((n) => box(`${n}@acme.test`).checked)).toEqual([true, true, true]);
    expect(selectedSays()).toBe('3 mailboxes selected');
    fireEvent.click(box('g2@acme.test'));
    expect(google.indeterminate).toBe(true);
    expect(selectedSays()).toBe('2 mailboxes selected');
    fireEvent.click(google);
    expect(google.checked).toBe(true);
    fireEvent.click(google);
    expect(selectedSays()).toBe('0 mailboxes selected');
  });

  it('Shift-click selects the range from the last box clicked; Select all shown follows the filter; Escape selects none', async () => {
    setup();
    await list();
    fireEvent.click(box('c2@acme.test'));
    fireEvent.click(box('g2@acme.test'), { shiftKey: true });
    expect(selectedSays()).toBe('5 mailboxes selected'); // c2, c3, c4, g1, g2
    expect(box('c1@acme.test').checked).toBe(false);
    expect(box('g3@acme.test').checked).toBe(false);

    fireEvent.keyDown(box('g2@acme.test'), { key: 'Escape' });
    expect(selectedSays()).toBe('0 mailboxes selected');

    fireEvent.click(chip(/^Unreachable/));
    fireEvent.click(act('Select all shown (1)'));
    expect(selectedSays()).toBe('1 mailbox selected');
    fireEvent.click(chip(/^Connected/));
    expect(selectedSays()).toBe('1 mailbox selected (1 of them not shown)');
    fireEvent.click(act('Clear selection'));
    expect(selectedSays()).toBe('0 mailboxes selected');
  });

  it('the toolbar\'s actions wait for a selection; arrow keys move along its buttons', async () => {
    setup();
    await list();
    expect(act('Copy share links').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(act('Copy share links'));
    expect(document.querySelector('.fleet-outcome')).toBeNull();
    fireEvent.click(groupBox('Google ended'));
    const buttons = within(toolbar()).getAllByRole('button');
    buttons[0].focus();
    fireEvent.keyDown(buttons[0], { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[1]);
    fireEvent.keyDown(buttons[1], { key: 'ArrowLeft' });
    fireEvent.keyDown(buttons[0], { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);
  });

  it('Copy share links copies one line per mailbox, address and link, then those without a link and why', async () => {
    const world = setup();
    await list();
    fireEvent.click(box('g1@acme.test'));
    fireEvent.click(box('c1@acme.test'));
    fireEvent.click(box('g3@acme.test'));
    fireEvent.click(act('Copy share links'));
    await screen.findByText(/^Copied 2 share links, one line per mailbox: address and link\. 1 could not be done/);
    expect(world.clipboard).toEqual([
      'g1@acme.test\thttps://regrant.acme.test/r/tok-acc_g1\ng3@acme.test\thttps://regrant.acme.test/r/tok-acc_g3\n\nNo link for these mailboxes:\nc1@acme.test: Custom mailboxes get no share link yet.',
    ]);
    expect(within(screen.getByRole('list', { name: 'Mailboxes that could not be done' })).getByRole('listitem').textContent).toBe('c1@acme.test: Custom mailboxes get no share link yet.');
  });

  it('Check selected checks each, shows its progress, and sums up the states after', async () => {
    const world = setup();
    await list();
    fireEvent.click(groupBox('mail.acme.test'));
    fireEvent.click(act('Check selected'));
    await screen.findByText('Checked 4 mailboxes: 3 needs re-authentication, 1 connected.');
    expect(world.calls.filter((c) => c.startsWith('check')).sort()).toEqual(['check acc_c1', 'check acc_c2', 'check acc_c3', 'check acc_c4']);
  });

  it('shows how far a long Check selected has come', async () => {
    const waiting: Array<() => void> = [];
    setup({ checkNow: (id) => new Promise((r) => waiting.push(() => r(viewOf(account(`${id.slice(4)}@acme.test`, 'connected', 'custom'))))) });
    await list();
    fireEvent.click(groupBox('mail.acme.test'));
    fireEvent.click(act('Check selected'));
    await waitFor(() => expect(waiting.length).toBe(4));
    waiting[0]();
    await screen.findByText('Checking: 1 of 4');
    expect((document.querySelector('.fleet-progress progress') as HTMLProgressElement).value).toBe(1);
    for (const go of waiting.slice(1)) go();
    await screen.findByText('Checked 4 mailboxes: 4 connected.');
    expect(document.querySelector('.fleet-progress')).toBeNull();
  });

  it('Export for bulk re-authentication saves the custom mailboxes among those selected and says what to do next', async () => {
    const world = setup();
    await list();
    fireEvent.click(chip(/^All/));
    fireEvent.click(act('Select all shown (10)'));
    fireEvent.click(act('Export for bulk re-authentication'));
    await screen.findByText(/^Saved 6 SMTP\/IMAP mailboxes as regrant-reauth-2026-11-28\.csv\. Fill in the two password columns, then import the file with Add in bulk and tick Update inbox if it exists\. 4 Gmail or Outlook mailboxes were left out/);
    expect(world.calls.filter((c) => c.startsWith('export'))).toEqual(['export acc_c1 acc_c2 acc_c3 acc_c4 acc_far acc_ok1']);
    expect(world.saved).toEqual(['regrant-reauth-2026-11-28.csv']);
    fireEvent.click(within(document.querySelector('.fleet-outcome') as HTMLElement).getByRole('button', { name: 'Add in bulk' }));
    await screen.findByRole('heading', { name: 'Add mailboxes in bulk' });
  });

  it('Export with only Gmail mailboxes selected says they are re-granted, and asks the server nothing', async () => {
    const world = setup();
    await list();
    fireEvent.click(groupBox('Google ended'));
    fireEvent.click(act('Export for bulk re-authentication'));
    await screen.findByText(/^None of the selected mailboxes is an SMTP\/IMAP mailbox/);
    expect(world.calls.some((c) => c.startsWith('export'))).toBe(false);
  });

  it('Remove selected names how many and the emails they hold, and removes only once confirmed', async () => {
    const world = setup();
    await list();
    fireEvent.click(groupBox('mail.acme.test'));
    fireEvent.click(act('Remove selected'));
    const ask = screen.getByRole('alertdialog', { name: 'Remove selected' });
    expect(ask.textContent).toContain('Remove 4 mailboxes from Regrant? They hold 2 emails waiting: they will be dropped, not sent.');
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(world.calls.some((c) => c.startsWith('remove'))).toBe(false);

    fireEvent.click(act('Remove selected'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove 4 mailboxes' }));
    await screen.findByText('Removed 4 mailboxes.');
    expect(world.calls.filter((c) => c.startsWith('remove')).sort()).toEqual(['remove acc_c1', 'remove acc_c2', 'remove acc_c3', 'remove acc_c4']);
    await waitFor(() => expect(screen.queryByRole('checkbox', { name: 'Select c1@acme.test' })).toBeNull());
    expect(selectedSays()).toBe('0 mailboxes selected');
  });
});
