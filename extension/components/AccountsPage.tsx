import { useCallback, useEffect, useState } from 'preact/hooks';
import { MAILBOX_KIND_LABEL, SIGN_IN_LABEL, type AccountEvent, type AccountStatus, type AccountView, type OAuthProviderKind } from '../../shared/api.ts';
import { STATE_LABEL, filterAccounts, orderAccounts, troubleNote } from '../utils/accounts.ts';
import { problemOf } from '../utils/api.ts';
import { openRegrant } from '../utils/regrant.ts';
import { agoText, sinceText } from '../utils/time.ts';
import { BulkImport, type BulkImportDeps } from './BulkImport.tsx';
import { ServerHealthPanel } from './ServerHealthPanel.tsx';
import { SettingsForm, type Part } from './SettingsForm.tsx';
import { useAction } from './use-action.ts';
import { WebhooksSection } from './WebhooksSection.tsx';

export interface AccountsPageDeps extends BulkImportDeps {
  /** The mailbox named in the page's address (`accounts.html#<id>`), if any. */
  selectedId(): string | null;
  select(id: string): void;
  openTab(url: string): Promise<void>;
}

/** Every mailbox with its state and history; custom mailboxes are fixed and tested here. */
export function AccountsPage({ deps }: { deps: AccountsPageDeps }) {
  const [accounts, setAccounts] = useState<AccountStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(deps.selectedId());
  const [query, setQuery] = useState('');
  // Once opened, the import stays mounted while a mailbox is shown, so a run is still followed.
  const [importOpened, setImportOpened] = useState(false);
  const [importShown, setImportShown] = useState(false);

  // Stable (like `deps`), so that the memoised import is not re-rendered with the page.
  const reload = useCallback(async () => {
    try {
      const answer = await (await deps.api()).status();
      if (answer.changed) setAccounts(orderAccounts(answer.status.accounts));
      setError(null);
    } catch (e) {
      setError(problemOf(e).message);
    }
  }, [deps]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const choose = (id: string) => {
    setSelected(id);
    setImportShown(false);
    deps.select(id);
  };
  const openImport = () => {
    setImportOpened(true);
    setImportShown(true);
  };
  const shown = filterAccounts(accounts ?? [], query);
  const isCurrent = (id: string) => id === selected && !importShown;
  const now = deps.now();

  return (
    <div class="accounts-page">
      <aside>
        <h1>Mailboxes</h1>
        <button class={importShown ? 'add-bulk current' : 'add-bulk'} aria-current={importShown ? 'true' : undefined} onClick={openImport}>
          Add in bulk
        </button>
        {error && (
          <p class="banner error" role="alert">
            {error}
          </p>
        )}
        {accounts === null && !error && <p class="muted">Loading…</p>}
        {accounts && accounts.length === 0 && <p class="muted">No mailboxes yet.</p>}
        {accounts && accounts.length > 0 && (
          <>
            <label>
              <span class="sr-only">Filter mailboxes</span>
              <input type="search" placeholder="Filter mailboxes" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
            </label>
            <ul class="list">
              {shown.map((a) => (
                <li key={a.id}>
                  <button class={isCurrent(a.id) ? 'item current' : 'item'} aria-current={isCurrent(a.id) ? 'true' : undefined} onClick={() => choose(a.id)}>
                    <span class="email">{a.email}</span>
                    <span class={`state ${a.state}`}>{STATE_LABEL[a.state]}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        <ServerHealthPanel deps={deps} />
        <WebhooksSection deps={deps} />
      </aside>
      <section class="detail">
        {importOpened && (
          <div hidden={!importShown}>
            <BulkImport deps={deps} onFinished={reload} />
          </div>
        )}
        {importShown ? null : selected ? (
          <AccountDetail key={selected} id={selected} deps={deps} now={now} onChanged={reload} />
        ) : (
          <p class="muted">Choose a mailbox to see its history{accounts?.some((a) => a.provider === 'custom') ? ' or fix its settings' : ''}.</p>
        )}
      </section>
    </div>
  );
}

function AccountDetail({ id, deps, now, onChanged }: { id: string; deps: AccountsPageDeps; now: Date; onChanged: () => Promise<void> }) {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [events, setEvents] = useState<AccountEvent[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const api = await deps.api();
      const [view, history] = await Promise.all([api.account(id), api.events(id)]);
      setAccount(view);
      setEvents(history);
      setError(null);
    } catch (e) {
      setError(problemOf(e).message);
    }
  }, [deps, id]);

  useEffect(() => {
    void load();
  }, [load]);

  async function test(part: Part, patch: Record<string, unknown>) {
    const api = await deps.api();
    if (Object.keys(patch).length) await api.update(id, { [part]: patch });
    const result = part === 'smtp' ? await api.testSending(id) : await api.testReceiving(id);
    await Promise.all([load(), onChanged(), deps.pollNow().catch(() => undefined)]);
    return result;
  }

  if (error) return <p class="banner error" role="alert">{error}</p>;
  if (!account) return <p class="muted">Loading…</p>;
  return (
    <article>
      <h2>{account.email}</h2>
      <p>
        {MAILBOX_KIND_LABEL[account.provider]} · <span class={`state ${account.state}`}>{STATE_LABEL[account.state]}</span>{' '}
        <span class="muted">{sinceText(account.stateChangedAt, now)}</span>
        {account.lastCheckedAt && <span class="muted"> · checked {agoText(account.lastCheckedAt, now)}</span>}
        {account.pendingEmails > 0 && <span class="pending"> · {account.pendingEmails} emails waiting</span>}
      </p>
      {account.reason && account.state !== 'connected' && (
        <div class={`banner ${account.state === 'needs_reauth' ? 'error' : 'warn'}`}>
          <p>{account.reason.message}</p>
          {account.reason.hint && <p class="muted">{account.reason.hint}</p>}
        </div>
      )}
      {account.trouble && (
        <div class="banner warn trouble">
          <p>{account.trouble.message}</p>
          <p class="muted">{troubleNote(account.trouble, now)}</p>
        </div>
      )}
      {account.provider === 'custom' ? (
        <div class="forms">
          <SettingsForm part="smtp" email={account.email} saved={account.smtp} onTest={(patch) => test('smtp', patch)} />
          <SettingsForm part="imap" email={account.email} saved={account.imap} onTest={(patch) => test('imap', patch)} />
        </div>
      ) : (
        account.state === 'needs_reauth' && <RegrantButton id={id} provider={account.provider} deps={deps} />
      )}
      <h3>History</h3>
      {events.length === 0 ? (
        <p class="muted">No state changes or failed checks yet.</p>
      ) : (
        <ol class="events">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>{' '}
              {e.kind === 'trouble' ? <span class="trouble">Check failed, still {STATE_LABEL[e.to].toLowerCase()}</span> : <>{STATE_LABEL[e.from]} → <span class={`state ${e.to}`}>{STATE_LABEL[e.to]}</span></>}
              {e.reason && <div class="muted">{e.reason.message}</div>}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

function RegrantButton({ id, provider, deps }: { id: string; provider: OAuthProviderKind; deps: AccountsPageDeps }) {
  const { busy, error, run } = useAction();
  return (
    <p>
      <button class="primary" disabled={busy} onClick={() => void run(() => openRegrant(deps, id))}>
        Re-grant with {SIGN_IN_LABEL[provider]}
      </button>
      <span class="result error" role="status">
        {error}
      </span>
    </p>
  );
}
