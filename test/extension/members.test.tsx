import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Me, MemberList } from '../../shared/members.ts';
import { MembersSection } from '../../extension/components/MembersSection.tsx';
import { ApiError, type Api } from '../../extension/utils/api.ts';

const NOW = new Date('2026-12-04T20:00:00.000Z');
const ADMIN: Me = { id: 'usr_a', email: 'ann@acme.test', name: null, role: 'admin' };
const list = (): MemberList => ({
  members: [
    { ...ADMIN, lastSeenAt: '2026-12-04T19:00:00.000Z', mailboxes: 3, createdAt: '2026-11-01T00:00:00.000Z' },
    { id: 'usr_b', email: 'bo@acme.test', name: 'Bo', role: 'member', lastSeenAt: null, mailboxes: 2, createdAt: '2026-11-02T00:00:00.000Z' },
  ],
  invites: [{ id: 'inv_1', email: 'cy@acme.test', role: 'member', invitedBy: 'ann@acme.test', createdAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-08T00:00:00.000Z' }],
});

function setup(me: Me, overrides: Partial<Api> = {}) {
  const calls: string[] = [];
  const api: Partial<Api> = {
    me: async () => me,
    members: async () => list(),
    invite: async (email, role) => (calls.push(`invite ${email} ${role}`), { id: 'inv_2', email, role, invitedBy: me.email, createdAt: NOW.toISOString(), expiresAt: NOW.toISOString() }),
    changeRole: async (id, role) => (calls.push(`role ${id} ${role}`), { id, email: 'bo@acme.test', name: 'Bo', role }),
    removeMember: async (id, owner) => void calls.push(`remove ${id} ${owner ?? ''}`),
    ...overrides,
  };
  render(<MembersSection deps={{ api: async () => api as Api, now: () => NOW }} />);
  return calls;
}

afterEach(cleanup);

describe('the members section', () => {
  it('admins see everyone with role, mailboxes and last use, and the open invitations', async () => {
    setup(ADMIN);
    const section = within(await screen.findByRole('region', { name: 'Members' }));
    await section.findByText('bo@acme.test');
    expect(section.getByText('2 mailboxes · last seen never')).toBeTruthy();
    expect(section.getByText(/^3 mailboxes · last seen /)).toBeTruthy();
    expect(section.getByText(/^cy@acme.test \(member\), until /)).toBeTruthy();
  });

  it('members see nothing of it', async () => {
    setup({ ...ADMIN, role: 'member' });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('region', { name: 'Members' })).toBeNull();
  });

  it('invites, changes a role, removes someone to the chosen owner, and withdraws an invitation', async () => {
    const calls = setup(ADMIN);
    const section = within(await screen.findByRole('region', { name: 'Members' }));
    await section.findByText('bo@acme.test');
    fireEvent.input(section.getByLabelText('Email address to invite'), { target: { value: 'dee@acme.test' } });
    fireEvent.change(section.getByLabelText('Role of the invited person'), { target: { value: 'admin' } });
    fireEvent.submit(section.getByRole('button', { name: 'Invite' }).closest('form')!);
    await section.findByText('Invited dee@acme.test as admin. They can sign in from the extension for 7 days.');
    fireEvent.change(section.getByLabelText('Role of bo@acme.test'), { target: { value: 'admin' } });
    await section.findByText('bo@acme.test is now admin.');
    fireEvent.click(section.getByRole('button', { name: 'Remove bo@acme.test' }));
    fireEvent.click(section.getByRole('button', { name: 'Remove bo@acme.test now' }));
    await section.findByText('Removed bo@acme.test: their sign-ins stopped working at once.');
    fireEvent.click(section.getByRole('button', { name: 'Withdraw the invitation of cy@acme.test' }));
    await section.findByText('Withdrew the invitation of cy@acme.test.');
    expect(calls).toEqual(['invite dee@acme.test admin', 'role usr_b admin', 'remove usr_b usr_a', 'remove inv_1 ']);
  });

  it('a refusal of the server is shown as it comes: the last admin stays', async () => {
    setup(ADMIN, {
      removeMember: async () => {
        throw new ApiError('request_failed', 'ann@acme.test is the last admin and cannot be removed: make someone else an admin first', 409, 'last_admin');
      },
    });
    const section = within(await screen.findByRole('region', { name: 'Members' }));
    fireEvent.click(await section.findByRole('button', { name: 'Remove ann@acme.test' }));
    fireEvent.click(section.getByRole('button', { name: 'Remove ann@acme.test now' }));
    await waitFor(() => expect(section.getByRole('status').textContent).toBe('ann@acme.test is the last admin and cannot be removed: make someone else an admin first'));
  });
});
