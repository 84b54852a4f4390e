import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, expect, it } from 'vitest';
import type { PollState } from '../../extension/utils/poll.ts';
import { OperatorBanner, StoredOperatorBanner } from '../../extension/components/OperatorBanner.tsx';
import { statusResponseSchema } from '../../shared/responses.ts';

afterEach(cleanup);

// As the server answers an admin (test/server/alert-operator.test.ts and alert-groups.test.ts check the server's side).
const status = statusResponseSchema.parse({
  counts: { total: 23, connected: 0, needsReauth: 23, unreachable: 0 },
  accounts: [],
  serverDegraded: true,
  causes: [
    { id: 'oauth_secret_rejected:operator', code: 'oauth_secret_rejected', message: "Microsoft refuses Regrant's client secret: 20 mailboxes wait on MICROSOFT_CLIENT_SECRET", count: 20, audience: 'operator', setting: 'MICROSOFT_CLIENT_SECRET', hint: null },
    { id: 'smtp_auth_disabled:host:smtp.office365.com', code: 'smtp_auth_disabled', message: 'smtp.office365.com refuses SMTP AUTH for 3 mailboxes of acme.test: an administrator turned Authenticated SMTP off for the organisation', count: 3, audience: 'tenant', hint: null },
  ],
  ownEmailsRefused: { replyCode: '535 5.7.8' },
});

it('an admin sees what only the operator can fix, that Regrant cannot send its own emails, and a cause many mailboxes share', () => {
  render(<OperatorBanner status={status} />);
  const banner = screen.getByRole('region', { name: 'What Regrant needs fixed' });
  const alert = screen.getByRole('alert');
  expect(alert.textContent).toContain('Regrant cannot send its own emails: the mail server in NOTIFY_SMTP_URL refuses them (535 5.7.8).');
  expect(alert.textContent).toContain("Microsoft refuses Regrant's client secret: 20 mailboxes wait on MICROSOFT_CLIENT_SECRET. Only the Regrant operator can fix this, in MICROSOFT_CLIENT_SECRET; re-granting will not help.");
  expect(banner.textContent).toContain('One cause: smtp.office365.com refuses SMTP AUTH for 3 mailboxes of acme.test');
  // The shared cause is no alarm of Regrant's own: it is not in the alert.
  expect(alert.textContent).not.toContain('SMTP AUTH');
});

it('a refusal without a reply code says so; nothing to fix shows nothing', () => {
  const { container, rerender } = render(<OperatorBanner status={{ ownEmailsRefused: { replyCode: null } }} />);
  expect(container.textContent).toContain('refuses them (no reply code)');
  rerender(<OperatorBanner status={{ causes: [] }} />);
  expect(container.textContent).toBe('');
  rerender(<OperatorBanner status={null} />);
  expect(container.textContent).toBe('');
});

it('the accounts page shows the background\'s last poll, and follows the next one', async () => {
  const pollState = (status: unknown) => ({ status, problem: null, checkedAt: '2026-12-04T20:00:00.000Z' }) as unknown as PollState;
  let listener: ((state: PollState | null) => void) | null = null;
  const store = { getValue: async () => pollState(status), watch: (l: (state: PollState | null) => void) => ((listener = l), () => (listener = null)) };
  const { container } = render(<StoredOperatorBanner store={store} />);
  expect((await screen.findByRole('alert')).textContent).toContain('535 5.7.8');
  listener!(pollState({ ...status, causes: [], ownEmailsRefused: undefined }));
  await waitFor(() => expect(container.textContent).toBe(''));
});
