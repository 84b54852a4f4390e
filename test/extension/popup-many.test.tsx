/**
 * The popup with thousands of mailboxes: one page of rows at a time, a search by address,
 * name or owner, a filter by state, all of it by keyboard and labelled for screen readers.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../shared/api.ts';
import { MailboxList } from '../../extension/components/MailboxList.tsx';
import type { RowActions } from '../../extension/components/AccountRow.tsx';
import { orderAccounts, PAGE_SIZE } from '../../extension/utils/accounts.ts';
import { account } from './fixtures.ts';

const actions: RowActions = { regrant: async () => undefined, copyLink: async () => '', fix: () => undefined };
const emails = () => screen.queryAllByRole('listitem').map((li) => li.querySelector('.email')!.textContent);

/** 10,000 mailboxes: one in 50 needs re-authentication, one in 100 is unreachable; three owners. */
function team(n = 10_000): AccountStatus[] {
  const owners = ['ann@acme.test', 'bob@acme.test', 'cy@acme.test'];
  return orderAccounts(
    Array.from({ length: n }, (_, i) =>
      account(`box${String(i).padStart(5, '0')}@acme.test`, i % 50 === 0 ? 'needs_reauth' : i % 100 === 1 ? 'unreachable' : 'connected', 'custom', {
        name: i === 7777 ? 'Lucky Seven' : `Box ${i}`,
        ownerEmail: owners[i % 3],
      }),
    ),
  );
}

function show(accounts: AccountStatus[]) {
  render(<MailboxList accounts={accounts} minute={0} actions={actions} />);
}

afterEach(cleanup);

describe('a popup with 10,000 mailboxes', () => {
  it('renders one page of rows, broken ones first, and pages through the rest by keyboard', async () => {
    const all = team();
    show(all);
    await waitFor(() => expect(emails()).toHaveLength(PAGE_SIZE));
    expect(emails()[0]).toBe('box00000@acme.test');
    expect(emails().slice(0, 200)).toEqual(all.slice(0, 200).map((a) => a.email));
    const pager = screen.getByRole('navigation', { name: 'Pages of mailboxes' });
    expect(within(pager).getByRole('status').textContent).toBe('1–200 of 10,000');
    const previous = within(pager).getByRole('button', { name: 'Previous' }) as HTMLButtonElement;
    const next = within(pager).getByRole('button', { name: 'Next' });
    expect(previous.disabled).toBe(true);
    next.focus();
    expect(document.activeElement).toBe(next);
    fireEvent.click(next);
    await waitFor(() => expect(emails()[0]).toBe(all[200].email));
    expect(within(pager).getByRole('status').textContent).toBe('201–400 of 10,000');
    expect(previous.disabled).toBe(false);
  });

  it('searches address, name and owner across every page', async () => {
    show(team());
    const box = screen.getByRole('searchbox', { name: 'Filter mailboxes' });
    fireEvent.input(box, { target: { value: 'lucky seven' } });
    expect(emails()).toEqual(['box07777@acme.test']);
    fireEvent.input(box, { target: { value: 'box09999' } });
    expect(emails()).toEqual(['box09999@acme.test']);
    fireEvent.input(box, { target: { value: 'cy@acme needs' } });
    // Mailboxes of cy needing re-authentication: i % 3 === 2 and i % 50 === 0.
    const expected = team().filter((a) => a.ownerEmail === 'cy@acme.test' && a.state === 'needs_reauth').map((a) => a.email);
    expect(expected.length).toBeGreaterThan(20);
    await waitFor(() => expect(emails()).toEqual(expected));
  });

  it('filters by state with counts in the choices, and says when nothing is left', async () => {
    const all = team();
    show(all);
    const select = screen.getByRole('combobox', { name: 'Show mailboxes in state' }) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['All states (10,000)', 'Needs re-authentication (200)', 'Unreachable (100)', 'Connected (9,700)']);
    fireEvent.change(select, { target: { value: 'unreachable' } });
    await waitFor(() => expect(emails()).toHaveLength(100));
    expect(emails().every((e) => all.find((a) => a.email === e)!.state === 'unreachable')).toBe(true);
    expect(screen.queryByRole('navigation', { name: 'Pages of mailboxes' })).toBeNull();
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter mailboxes' }), { target: { value: 'lucky' } });
    await screen.findByText('No mailbox matches "lucky".');
  });

  it('a new search goes back to the first page', async () => {
    show(team());
    const position = () => within(screen.getByRole('navigation', { name: 'Pages of mailboxes' })).getByRole('status').textContent;
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(position()).toBe('401–600 of 10,000');
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter mailboxes' }), { target: { value: 'connected' } });
    expect(position()).toBe('1–200 of 9,700');
  });
});
