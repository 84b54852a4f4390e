import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, expect, it } from 'vitest';
import type { ServerHealth } from '../../shared/api.ts';
import { ServerHealthPanel } from '../../extension/components/ServerHealthPanel.tsx';
import { createApi, type Api } from '../../extension/utils/api.ts';

const NOW = new Date('2026-11-28T22:00:00.000Z');

const HEALTH: ServerHealth = {
  version: '0.1.0',
  degraded: true,
  problems: ['alert_emails_failing'],
  checks: { intervalSeconds: 300, overdue: 0, lastCycle: { startedAt: '2026-11-28T21:50:00.000Z', finishedAt: '2026-11-28T21:55:00.000Z', seconds: 300, mailboxes: 12 } },
  outbox: { waiting: 3, oldestAt: '2026-11-28T19:00:00.000Z' },
  alertEmails: { waiting: 2, oldestAt: '2026-11-28T21:30:00.000Z', failing: 2, lastError: { message: 'Invalid login: 535 5.7.8 Authentication failed', attempts: 3, nextAttemptAt: '2026-11-28T22:10:00.000Z' } },
};

afterEach(cleanup);

it('an admin sees the server health: cycle, overdue checks, outbox, refused alert emails and the version', async () => {
  render(<ServerHealthPanel deps={{ api: async () => ({ serverHealth: async () => HEALTH }) as Partial<Api> as Api, now: () => NOW }} />);
  const panel = await screen.findByRole('region', { name: 'Regrant server health' });
  const said = [
    'needs attention',
    '12 mailboxes in 5 min, finished 5 min ago',
    'Checks overdue: 0',
    'Outbox: 3 waiting, the oldest queued 3 h ago',
    '2 refused',
    'Last refusal: Invalid login: 535 5.7.8 Authentication failed',
    'Version 0.1.0',
  ];
  for (const words of said) expect(panel.textContent).toContain(words);
});

it('a member sees no panel: the server answers 403 and the client makes that "nothing to show"', async () => {
  const asked: string[] = [];
  const fetch = (async (url: string) => {
    asked.push(url);
    return new Response(JSON.stringify({ error: { code: 'forbidden', message: "only admins see the server's own health" } }), { status: 403, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const api = createApi({ serverUrl: 'http://regrant.test', apiToken: 'rg_member', fetch });
  const { container } = render(<ServerHealthPanel deps={{ api: async () => api, now: () => NOW }} />);
  await waitFor(() => expect(asked).toEqual(['http://regrant.test/api/server/health']));
  await new Promise((r) => setTimeout(r, 20));
  expect(container.textContent).toBe('');
});
