/**
 * The accounts page's Webhooks section against a real Regrant (its Hono app, real SQLite) and
 * a real receiver on loopback: add a Slack webhook, send a test, see the delivery, remove it;
 * a standard one shows its signing secret once; a refused URL says why.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { WebhooksSection } from '../../extension/components/WebhooksSection.tsx';
import { createApi } from '../../extension/utils/api.ts';
import { startRegrant, type TestRegrant } from '../support/regrant.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

let rg: TestRegrant;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
  rg = await startRegrant();
  ({ token } = await rg.users.add({ email: 'ann@acme.test', role: 'member' }));
  receiver = await startReceiver();
});
afterAll(async () => {
  await rg?.destroy();
  await receiver?.close();
});
afterEach(cleanup);

const SERVER = 'http://regrant.test';
const deps = {
  api: async () =>
    createApi({
      serverUrl: SERVER,
      apiToken: token,
      // Straight into the real app: no port, the real routes, validation and database.
      fetch: (async (url: string, init: RequestInit) => {
        const answer = await rg.app.request(url.slice(SERVER.length), { method: init.method, headers: init.headers, body: init.body as string | undefined });
        return new Response(answer.status === 204 ? null : await answer.text(), { status: answer.status, headers: Object.fromEntries(answer.headers) });
      }) as typeof fetch,
    }),
};

async function add(url: string, format: string) {
  fireEvent.input(screen.getByLabelText('Webhook URL'), { target: { value: url } });
  fireEvent.change(screen.getByLabelText('Format'), { target: { value: format } });
  fireEvent.submit(screen.getByRole('button', { name: 'Add webhook' }).closest('form')!);
}

it('adds a Slack webhook, sends a test that arrives, lists the delivery, and removes it', async () => {
  render(<WebhooksSection deps={deps} />);
  const section = await screen.findByRole('region', { name: 'Webhooks' });
  await within(section).findByText('No webhooks yet.');
  await add(receiver.url, 'slack');
  await within(section).findByText('Added. Send a test to see that it arrives.');
  const item = (await within(section).findByText(`127.0.0.1:${new URL(receiver.url).port}/hook`)).closest('li')!;
  expect(item.textContent).toContain('Slack (also Mattermost, Discord) · Added by ann@acme.test');
  expect(section.textContent).not.toContain('Signing secret');

  fireEvent.click(within(item).getByRole('button', { name: 'Send test' }));
  await within(item).findByText('The receiver answered 200.');
  expect(receiver.received).toHaveLength(1);
  expect(JSON.parse(receiver.received[0].body).text).toContain('this channel will hear when a mailbox loses its login');

  receiver.script.push(503);
  fireEvent.click(within(item).getByRole('button', { name: 'Last deliveries' }));
  await within(item).findByText(/webhook\.test: delivered, attempt 1/);
  fireEvent.click(within(item).getByRole('button', { name: 'Send test' }));
  await within(item).findByText('Not delivered: 503 Service Unavailable: try later');
  await waitFor(() => expect(within(item).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringMatching(/^webhook\.test: failed, attempt 1, .* · 503 Service Unavailable: try later$/), expect.stringMatching(/^webhook\.test: delivered, attempt 1/)]));

  fireEvent.click(within(item).getByRole('button', { name: `Remove the webhook to 127.0.0.1:${new URL(receiver.url).port}/hook` }));
  await within(section).findByText('No webhooks yet.');
  expect(await rg.db.selectFrom('webhooks').selectAll().execute()).toEqual([]);
});

it("shows a standard webhook's signing secret once, and a refused URL in the server's words", async () => {
  render(<WebhooksSection deps={deps} />);
  const section = await screen.findByRole('region', { name: 'Webhooks' });
  await add('http://10.0.0.5/hook', 'teams');
  await within(section).findByText(/url: 10\.0\.0\.5 is a private address/);
  await add(receiver.url, 'standard');
  const secret = await within(section).findByText(/^whsec_/);
  expect(secret.closest('p')!.textContent).toContain('Signing secret, shown only now');
  cleanup();
  render(<WebhooksSection deps={deps} />);
  const again = await screen.findByRole('region', { name: 'Webhooks' });
  await within(again).findByText('Standard Webhooks (signed JSON) · Added by ann@acme.test');
  expect(again.textContent).not.toContain('whsec_');
});
