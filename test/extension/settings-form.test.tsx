/**
 * A mistake in a custom mailbox's settings form is said once, with the form's own label:
 * "Port must be a whole number from 1 to 65535", not "Port port: must be between 1 and 65535".
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, expect, it } from 'vitest';
import { SettingsForm } from '../../extension/components/SettingsForm.tsx';

afterEach(cleanup);

it('names the field once, by its label, and tests nothing', async () => {
  const tested: unknown[] = [];
  const saved = { host: 'smtp.acme.test', port: 587, security: 'starttls' as const, username: 'ops@acme.test', hasPassword: true };
  render(<SettingsForm part="smtp" email="ops@acme.test" saved={saved} onTest={async (patch) => (tested.push(patch), { ok: true })} />);
  fireEvent.input(screen.getByLabelText('Port'), { target: { value: '70000' } });
  fireEvent.submit(screen.getByRole('form', { name: 'Sending (SMTP)' }));
  const said = await screen.findByRole('status');
  expect(said.textContent).toBe('Port must be a whole number from 1 to 65535');
  expect(tested).toEqual([]);
});
