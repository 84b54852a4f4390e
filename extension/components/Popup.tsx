import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { AccountStatus } from '../../shared/api.ts';
import { orderAccounts } from '../utils/accounts.ts';
import type { Api } from '../utils/api.ts';
import { allWell } from '../utils/badge.ts';
import type { PollState } from '../utils/poll.ts';
import { POPUP_MARKS } from '../utils/popup-marks.ts';
import { openRegrant } from '../utils/regrant.ts';
import { agoText, expiresInText } from '../utils/time.ts';
import type { RowActions } from './AccountRow.tsx';
import { MailboxList } from './MailboxList.tsx';
import { OperatorBanner } from './OperatorBanner.tsx';

export interface PopupDeps {
  /** Calls back whenever the background stores a new poll; answers the unsubscribe. */
  watchState(listener: (state: PollState | null) => void): () => void;
  pollNow(): Promise<PollState | null>;
  /** The whole cached list, when the popup opened with its first page only (`partial`). */
  readCached?(): Promise<PollState | null>;
  api(): Promise<Api>;
  openTab(url: string): Promise<void>;
  openAccounts(accountId: string | null): void;
  openOptions(): void;
  writeClipboard(text: string): Promise<void>;
  now(): Date;
}

/**
 * The toolbar popup: the last known list (`cached`, read before the first render) at once, a
 * fresh one a moment later.
 */
export function Popup({ deps, cached }: { deps: PopupDeps; cached: PollState | null }) {
  const [state, setState] = useState<PollState | null>(cached);
  const [polling, setPolling] = useState(true);

  // An effect, so after the first paint: waking the background and polling would otherwise
  // compete with showing the cached list.
  useEffect(() => {
    let live = true;
    const stop = deps.watchState((next) => live && setState(next));
    // Opened with the first page only: the whole list follows for search and pages.
    if (cached?.partial && deps.readCached) {
      void deps.readCached().then((whole) => live && whole && setState((now) => (now?.partial ? whole : now)), () => undefined);
    }
    void deps
      .pollNow()
      .then((fresh) => live && fresh && setState(fresh))
      .catch(() => undefined)
      .finally(() => live && setPolling(false));
    return () => {
      live = false;
      stop();
    };
  }, [deps, cached]);

  const actions: RowActions = useMemo(
    () => ({
      regrant: (account: AccountStatus) => openRegrant(deps, account.id),
      async copyLink(account: AccountStatus) {
        const { url, expiresAt } = await (await deps.api()).shareLink(account.id);
        try {
          await deps.writeClipboard(url);
        } catch {
          return `Copy this link (${expiresInText(expiresAt, deps.now())}): ${url}`;
        }
        return `Copied: ${expiresInText(expiresAt, deps.now())}`;
      },
      fix: (account: AccountStatus) => deps.openAccounts(account.id),
    }),
    [deps],
  );

  const accounts = useMemo(() => orderAccounts(state?.status?.accounts ?? []), [state]);
  const now = deps.now();
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  const listed = accounts.length > 0;
  // Right after the list is committed to the page, before it is painted (see popup-marks.ts).
  useLayoutEffect(() => {
    if (listed && !performance.getEntriesByName(POPUP_MARKS.firstList).length) performance.mark(POPUP_MARKS.firstList);
  }, [listed]);

  return (
    <main class="popup">
      <header>
        <h1>Regrant</h1>
        <Summary state={state} />
        <nav>
          <button onClick={() => deps.openAccounts(null)}>Accounts</button>
          <button onClick={() => deps.openOptions()}>Options</button>
        </nav>
      </header>
      <Problem state={state} polling={polling} now={now} onOptions={deps.openOptions} />
      <OperatorBanner status={state?.status} />
      {state === null && polling ? (
        <p class="muted" role="status">Checking your mailboxes…</p>
      ) : state?.status && accounts.length === 0 ? (
        <p class="empty">No mailboxes yet. Add Gmail, Outlook or SMTP/IMAP mailboxes to Regrant, and they appear here.</p>
      ) : state === null ? (
        <p class="banner error" role="alert">
          The extension could not get the mailboxes' state. Close the popup and open it again.
        </p>
      ) : state?.status ? (
        <MailboxList accounts={accounts} minute={minute} actions={actions} />
      ) : null}
    </main>
  );
}

function Summary({ state }: { state: PollState | null }) {
  const counts = state?.status?.counts;
  if (!counts || state?.problem) return null;
  if (counts.needsReauth > 0) {
    return <p class="summary bad">{counts.needsReauth === 1 ? '1 mailbox needs' : `${counts.needsReauth} mailboxes need`} re-authentication</p>;
  }
  if (counts.total === 0) return null;
  const text = allWell(counts.total, counts.unreachable);
  return <p class="summary good">{text[0].toUpperCase() + text.slice(1)}</p>;
}

function Problem({ state, polling, now, onOptions }: { state: PollState | null; polling: boolean; now: Date; onOptions: () => void }) {
  const problem = state?.problem;
  if (!problem) return null;
  if (problem.code === 'not_configured') {
    return (
      <div class="banner warn" role="alert">
        <p>Connect the extension to your Regrant server to see your mailboxes.</p>
        <button class="primary" onClick={onOptions}>Open options</button>
      </div>
    );
  }
  return (
    <div class="banner error" role="alert">
      <p>{problem.message}</p>
      {state?.status && state.checkedAt && <p class="muted">Showing the list as of {agoText(state.checkedAt, now)}; it may be out of date.</p>}
      {polling && <p class="muted">Trying again…</p>}
    </div>
  );
}
