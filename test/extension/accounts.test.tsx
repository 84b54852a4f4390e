import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView, LoginTestResult } from '../../shared/api.ts';
import { AccountsPage, type AccountsPageDeps } from '../../extension/components/AccountsPage.tsx';
import { ApiError, type Api } from '../../extension/utils/api.ts';
import { account, statusOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T22:00:00.000Z');
/** 21:14 on this machine's clock, whatever its time zone. */
const SENT_AT = new Date(2026, 10, 28, 21, 14, 5).toISOString();
const TEST_EMAIL = { messageId: '<regrant-test.1@acme.test>', sentAt: SENT_AT, arrivedAt: null };

function customView(email: string): AccountView {
  const settings = (host: string, port: number) => ({ host, port, security: 'tls' as const, username: email, hasPassword: true });
  return {
    ...account(email, 'needs_reauth', 'custom'),
    name: null,
    owner: { id: 'usr_1', email: 'owner@acme.test' },
    smtp: settings('smtp.acme.test', 465),
    imap: settings('imap.acme.test', 993),
    nextCheckAt: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
}

function setup(answers: { sending?: LoginTestResult; receiving?: LoginTestResult }) {
  const view = customView('ops@acme.test');
  const calls = { updates: [] as unknown[], tests: [] as string[] };
  const api: Partial<Api> = {
    status: async () => ({ changed: true, status: statusOf([view]), etag: null }),
    account: async () => view,
    events: async () => [],
    update: async (_id, patch) => (calls.updates.push(patch), view),
    testSending: async (id) => (calls.tests.push(`sending ${id}`), answers.sending!),
    testReceiving: async (id) => (calls.tests.push(`receiving ${id}`), answers.receiving!),
  };
  const deps: AccountsPageDeps = {
    api: async () => api as Api,
    selectedId: () => view.id,
    select: () => undefined,
    pollNow: async () => null,
    openTab: async () => undefined,
    now: () => NOW,
  };
  render(<AccountsPage deps={deps} />);
  return calls;
}

async function press(form: 'Sending (SMTP)' | 'Receiving (IMAP)', password?: string) {
  const box = within(await screen.findByRole('form', { name: form }));
  if (password) fireEvent.input(box.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(box.getByRole('button', { name: form === 'Sending (SMTP)' ? 'Test Sending' : 'Test Receiving' }));
  return box;
}

afterEach(cleanup);

describe('the accounts page\'s settings forms', () => {
  it('Test Sending saves the new password, then says where and when the test email went', async () => {
    const calls = setup({ sending: { ok: true, state: 'needs_reauth', testEmail: TEST_EMAIL } });
    const form = await press('Sending (SMTP)', 'new-pass');
    const result = await form.findByText(/^Sent a test email to ops@acme\.test at (21:14|9:14\sPM)\. Test Receiving looks for it in INBOX\.$/);
    expect(result.className).toContain('ok');
    expect(calls.updates).toEqual([{ smtp: { password: 'new-pass' } }]);
    expect(calls.tests).toEqual(['sending acc_ops']);
  });

  it('Test Receiving says the test email arrived', async () => {
    setup({ receiving: { ok: true, state: 'connected', testEmail: { ...TEST_EMAIL, arrivedAt: SENT_AT } } });
    const form = await press('Receiving (IMAP)');
    expect((await form.findByText('The test email arrived: receiving works.')).className).toContain('ok');
  });

  it('Test Receiving shows the server\'s notice when the test email has not arrived, as a warning', async () => {
    const notice = 'Signed in to IMAP, but the test email sent at 21:14 UTC has not arrived in INBOX yet. It may still be on its way, or a filter moved it (look in Spam).';
    setup({ receiving: { ok: true, state: 'connected', testEmail: TEST_EMAIL, notice } });
    const form = await press('Receiving (IMAP)');
    expect((await form.findByText(notice)).className).toContain('warn');
  });

  it('without a test email to look for, Test Receiving says the login worked', async () => {
    setup({ receiving: { ok: true, state: 'connected' } });
    const form = await press('Receiving (IMAP)');
    await form.findByText('Receiving works: the IMAP server accepted the login.');
  });

  it('a refused test shows the server\'s reason and how to fix it', async () => {
    setup({ sending: { ok: false, state: 'needs_reauth', error: { code: 'recipient_rejected', message: 'The receiving server refused the recipient: 550 5.1.1 Mailbox unavailable', hint: 'Ask the mail provider why.' } } });
    const form = await press('Sending (SMTP)');
    const result = await form.findByText('The receiving server refused the recipient: 550 5.1.1 Mailbox unavailable Ask the mail provider why.');
    expect(result.className).toContain('error');
  });
});

describe('the accounts page\'s re-grant', () => {
  function showOutlook(regrant: Api['regrant']) {
    const outlook: AccountView = { ...customView('sales@contoso.test'), ...account('sales@contoso.test', 'needs_reauth', 'microsoft'), smtp: null, imap: null };
    const tabs: string[] = [];
    const api: Partial<Api> = {
      status: async () => ({ changed: true, status: statusOf([outlook]), etag: null }),
      account: async () => outlook,
      events: async () => [],
      regrant,
    };
    render(<AccountsPage deps={{ api: async () => api as Api, selectedId: () => outlook.id, select: () => undefined, pollNow: async () => null, openTab: async (url) => void tabs.push(url), now: () => NOW }} />);
    return tabs;
  }

  it('an Outlook mailbox is re-granted with Microsoft in a new tab', async () => {
    const asked: string[] = [];
    const tabs = showOutlook(async (id) => (asked.push(id), { url: 'https://regrant.acme.test/oauth/start/tok' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Re-grant with Microsoft' }));
    await waitFor(() => expect(tabs).toEqual(['https://regrant.acme.test/oauth/start/tok']));
    expect(asked).toEqual(['acc_sales']);
  });

  it('a refused re-grant says why beside the button, and opens nothing', async () => {
    const tabs = showOutlook(async () => Promise.reject(new ApiError('request_failed', 'This server is not set up for Microsoft sign-in.', 503)));
    fireEvent.click(await screen.findByRole('button', { name: 'Re-grant with Microsoft' }));
    await screen.findByText('This server is not set up for Microsoft sign-in.');
    expect(tabs).toEqual([]);
  });
});
