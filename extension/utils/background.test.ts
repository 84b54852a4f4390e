import { fakeBrowser } from 'wxt/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../shared/api.ts';
import { POLL_ALARM, startBackground } from './background.ts';
import { BADGE_GREY, BADGE_RED } from './badge.ts';
import { pollStateItem, type PollState } from './poll.ts';
import { apiTokenItem, pollSecondsItem, serverUrlItem } from './settings.ts';
import { account, statusOf } from '../../test/extension/fixtures.ts';

/** The toolbar as the background leaves it (the fake browser has no `action`). */
function toolbar() {
  const shown = { text: '', color: '', textColor: '', title: '' };
  Object.assign(fakeBrowser, {
    action: {
      setBadgeText: async ({ text }: { text: string }) => void (shown.text = text),
      setBadgeBackgroundColor: async ({ color }: { color: string }) => void (shown.color = color),
      setBadgeTextColor: async ({ color }: { color: string }) => void (shown.textColor = color),
      setTitle: async ({ title }: { title: string }) => void (shown.title = title),
    },
  });
  return shown;
}

/** A poller answering whatever the test sets next. */
function scriptedPoller() {
  let next: PollState = { source: 's', status: null, etag: null, checkedAt: null, problem: { code: 'unreachable', message: 'down' } };
  let polls = 0;
  return {
    poller: { poll: async () => (polls++, next) },
    answer(status: StatusResponse | null, problem: PollState['problem'] = null) {
      next = { source: 's', status, etag: '"e"', checkedAt: '2026-11-28T10:00:00.000Z', problem };
    },
    polls: () => polls,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 10));
const sales = account('sales@acme.test', 'needs_reauth', 'google', { stateChangedAt: '2026-11-28T08:00:00.000Z' });
const ops = account('ops@acme.test', 'connected', 'custom');

let shown: ReturnType<typeof toolbar>;
beforeEach(() => {
  fakeBrowser.reset();
  shown = toolbar();
});

describe('the background', () => {
  it('at install schedules the poll alarm at the chosen interval and polls at once', async () => {
    await pollSecondsItem.setValue(120);
    const p = scriptedPoller();
    p.answer(statusOf([sales, ops]));
    startBackground(fakeBrowser as never, p.poller);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' } as never);
    await settle();
    expect(await fakeBrowser.alarms.get(POLL_ALARM)).toMatchObject({ periodInMinutes: 2 });
    expect(p.polls()).toBeGreaterThanOrEqual(1);
    expect(shown).toEqual({ text: '1', color: BADGE_RED, textColor: '#ffffff', title: 'Regrant: 1 mailbox needs re-authentication' });
  });

  it('the first install opens the options at their welcome; an update or a browser start opens nothing', async () => {
    const opened: string[] = [];
    fakeBrowser.tabs.onCreated.addListener((tab) => void opened.push(tab.url ?? ''));
    startBackground(fakeBrowser as never, scriptedPoller().poller);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' } as never);
    await fakeBrowser.runtime.onStartup.trigger();
    await settle();
    expect(opened).toEqual([]);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' } as never);
    await settle();
    expect(opened).toEqual([fakeBrowser.runtime.getURL('/options.html#welcome')]);
  });

  it('polls on each alarm, at browser start, and when a page asks; the badge follows', async () => {
    const p = scriptedPoller();
    await pollStateItem.setValue({ source: 's', status: statusOf([ops]), etag: null, checkedAt: null, problem: null });
    await fakeBrowser.alarms.create(POLL_ALARM, { periodInMinutes: 1 });
    const bg = startBackground(fakeBrowser as never, p.poller);
    await settle();
    expect(p.polls()).toBe(0); // a worker woken with its alarm and a known state does not poll by itself
    p.answer(statusOf([sales, ops]));
    await fakeBrowser.alarms.onAlarm.trigger({ name: POLL_ALARM, scheduledTime: Date.now() });
    await settle();
    expect(shown.text).toBe('1');

    p.answer(null, { code: 'unreachable', message: 'Cannot reach it.' });
    await fakeBrowser.runtime.onStartup.trigger();
    await settle();
    expect(shown).toMatchObject({ text: '?', color: BADGE_GREY });

    p.answer(statusOf([{ ...sales, state: 'connected', reason: null }, ops]));
    // A message from another extension is ignored; this extension's own pages are answered.
    expect((await fakeBrowser.runtime.onMessage.trigger({ type: 'poll-now' }, { id: 'another-extension' })).filter(Boolean)).toEqual([]);
    expect(p.polls()).toBe(2);
    const answered: PollState = await (await fakeBrowser.runtime.onMessage.trigger({ type: 'poll-now' }, { id: fakeBrowser.runtime.id })).find(Boolean);
    expect(answered.status!.counts.needsReauth).toBe(0);
    expect(shown.text).toBe('');
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'something-else', scheduledTime: Date.now() });
    expect(p.polls()).toBe(3);

    // The page-facing refresh polls, shows the answer on the badge and hands it back.
    p.answer(statusOf([sales, ops]));
    const refreshed = await bg.refresh();
    expect(p.polls()).toBe(4);
    expect(refreshed.status!.counts.needsReauth).toBe(1);
    expect(shown).toMatchObject({ text: '1', color: BADGE_RED });
  });

  it('saving new options re-schedules the alarm and polls once at once', async () => {
    const p = scriptedPoller();
    p.answer(statusOf([ops]));
    startBackground(fakeBrowser as never, p.poller);
    await settle();
    const before = p.polls();
    await Promise.all([pollSecondsItem.setValue(300), apiTokenItem.setValue('rg_new'), serverUrlItem.setValue('https://regrant.acme.test')]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await fakeBrowser.alarms.get(POLL_ALARM)).toMatchObject({ periodInMinutes: 5 });
    expect(p.polls()).toBe(before + 1);
  });

  it('a worker started without install or browser start (re-enabled, woken) re-creates a missing alarm and polls', async () => {
    const p = scriptedPoller();
    p.answer(statusOf([sales]));
    startBackground(fakeBrowser as never, p.poller);
    await settle();
    expect(await fakeBrowser.alarms.get(POLL_ALARM)).toMatchObject({ periodInMinutes: 1 });
    expect(p.polls()).toBe(1);
    expect(shown.text).toBe('1');
  });

  it('notifies once per incident: not for what was red before, once for a new one, again only for a new incident', async () => {
    const p = scriptedPoller();
    const created: string[] = [];
    const create = fakeBrowser.notifications.create.bind(fakeBrowser.notifications);
    Object.assign(fakeBrowser.notifications, { create: (id: string, o: never) => (created.push(id), create(id, o)) });
    await fakeBrowser.alarms.create(POLL_ALARM, { periodInMinutes: 1 });
    await pollStateItem.setValue({ source: 's', status: null, etag: null, checkedAt: null, problem: null });
    const bg = startBackground(fakeBrowser as never, p.poller);
    p.answer(statusOf([sales, ops]));
    await bg.refresh(); // the baseline: the badge shows it, no toast
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([]);

    const opsLost = { ...ops, state: 'needs_reauth' as const, reason: { code: 'smtp_auth_failed', message: 'The SMTP server rejected the username or password.' }, stateChangedAt: '2026-11-28T10:00:00.000Z' };
    p.answer(statusOf([sales, opsLost]));
    await Promise.all([bg.refresh(), bg.refresh()]); // two polls finishing together
    await bg.refresh();
    expect(created).toEqual([`regrant:${ops.id}`]);
    const all = await fakeBrowser.notifications.getAll();
    expect(Object.keys(all)).toEqual([`regrant:${ops.id}`]);
    expect(all[`regrant:${ops.id}`]).toMatchObject({ title: 'ops@acme.test needs re-authentication', message: expect.stringContaining('The SMTP server rejected') });

    await fakeBrowser.notifications.clear(`regrant:${ops.id}`);
    p.answer(statusOf([sales, { ...ops }]));
    await bg.refresh(); // fixed
    p.answer(statusOf([sales, { ...opsLost, stateChangedAt: '2026-11-28T11:00:00.000Z' }]));
    await bg.refresh(); // lost again: a new incident
    expect(created).toEqual([`regrant:${ops.id}`, `regrant:${ops.id}`]);
  });

  it('many new incidents at once make one summary notification', async () => {
    const p = scriptedPoller();
    const bg = startBackground(fakeBrowser as never, p.poller);
    p.answer(statusOf([ops]));
    await bg.refresh();
    p.answer(statusOf(['a', 'b', 'c', 'd'].map((x) => account(`${x}@acme.test`, 'needs_reauth'))));
    await bg.refresh();
    const all = await fakeBrowser.notifications.getAll();
    expect(Object.values(all)).toEqual([expect.objectContaining({ title: '4 mailboxes need re-authentication' })]);
  });

  it('clicking a notification opens the accounts page at that mailbox', async () => {
    startBackground(fakeBrowser as never, scriptedPoller().poller);
    await fakeBrowser.notifications.onClicked.trigger(`regrant:${ops.id}`);
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((t) => t.url)).toContain(`chrome-extension://test-extension-id/accounts.html#${ops.id}`);
  });
});
