import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AccountStatus, AccountView } from '../../shared/api.ts';
import { orderAccounts } from '../utils/accounts.ts';
import { problemOf } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { AccountDetail } from './AccountDetail.tsx';
import { Fleet } from './Fleet.tsx';
import { AddMailbox } from './AddMailbox.tsx';
import { BulkImport, type BulkImportDeps } from './BulkImport.tsx';
import { ServerHealthPanel } from './ServerHealthPanel.tsx';
import { MembersSection } from './MembersSection.tsx';
import { StoredOperatorBanner } from './OperatorBanner.tsx';
import { WebhooksSection } from './WebhooksSection.tsx';

export interface AccountsPageDeps extends BulkImportDeps {
  /** The mailbox named in the page's address (`accounts.html#<id>`), if any. */
  selectedId(): string | null;
  select(id: string): void;
  openTab(url: string): Promise<void>;
  writeClipboard(text: string): Promise<void>;
  /** How often the list is read again while the page is open (a 304 when nothing changed). */
  refreshMs?: number;
}

/** Every 15 s, and at once when the page comes back into view. */
export const REFRESH_MS = 15_000;
/** While a consent page is open in another tab: every 2 s, for 10 minutes at most. */
const CONNECT_WATCH_MS = 2000;
const CONNECT_WATCH_FOR_MS = 10 * 60_000;

type Panel = 'account' | 'add' | 'import';

/** Every mailbox with its state, its actions and history; mailboxes are added and fixed here. */
export function AccountsPage({ deps }: { deps: AccountsPageDeps }) {
  const [accounts, setAccounts] = useState<AccountStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(deps.selectedId());
  const [panel, setPanel] = useState<Panel>('account');
  // Once opened, the import stays mounted while a mailbox is shown, so a run is still followed.
  const [importOpened, setImportOpened] = useState(false);
  const [admin, setAdmin] = useState(false);
  const etag = useRef<string | null>(null);
  const known = useRef<Set<string> | null>(null);
  const [watching, setWatching] = useState(false);

  // Stable (like `deps`), so that the memoised import is not re-rendered with the page.
  const reload = useCallback(async () => {
    try {
      const answer = await (await deps.api()).status(etag.current);
      if (answer.changed) {
        etag.current = answer.etag;
        setAccounts(orderAccounts(answer.status.accounts));
      }
      setError(null);
    } catch (e) {
      setError(problemOf(e).message);
    }
  }, [deps]);

  const choose = (id: string) => {
    setSelected(id);
    setPanel('account');
    deps.select(id);
  };

  useEffect(() => {
    void reload();
    // Admins may give mailboxes away (Change owner).
    void deps
      .api()
      .then((api) => api.me())
      .then((me) => setAdmin(me.role === 'admin'))
      .catch(() => setAdmin(false));
    const timer = setInterval(() => void reload(), deps.refreshMs ?? REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && void reload();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [reload, deps]);

  // A mailbox connected in the consent tab shows up here, and is opened.
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(() => void reload(), deps.refreshMs ?? CONNECT_WATCH_MS);
    const stop = setTimeout(() => setWatching(false), CONNECT_WATCH_FOR_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(stop);
    };
  }, [watching, reload, deps]);
  useEffect(() => {
    if (!watching || !accounts || !known.current) return;
    const added = accounts.find((a) => !known.current!.has(a.id));
    if (!added) return;
    setWatching(false);
    choose(added.id);
  }, [accounts, watching]);

  const onConnecting = () => {
    known.current = new Set((accounts ?? []).map((a) => a.id));
    setWatching(true);
  };
  const onAdded = async (account: AccountView) => {
    await reload();
    choose(account.id);
  };
  const onRemoved = async () => {
    setSelected(null);
    await reload();
  };
  // Removed from the fleet's toolbar: the open mailbox closes only if it was among them.
  const onManyRemoved = async (ids: string[]) => {
    if (selected && ids.includes(selected)) setSelected(null);
    await reload();
  };
  const openImport = () => {
    setImportOpened(true);
    setPanel('import');
  };
  const isCurrent = (id: string) => id === selected && panel === 'account';
  const summary = accounts?.find((a) => a.id === selected);
  const now = deps.now();

  return (
    <div class="accounts-page">
      {/* Banners about the whole workspace (e.g. the operator's), one line each: */}
      <div class="banners">
        <StoredOperatorBanner />
      </div>
      <aside>
        <h1>{t('accountsTitle')}</h1>
        <div class="add-buttons">
          <button class={panel === 'add' ? 'add-mailbox current' : 'add-mailbox'} aria-current={panel === 'add' ? 'true' : undefined} onClick={() => setPanel('add')}>
            {t('addMailboxTitle')}
          </button>
          <button class={panel === 'import' ? 'add-bulk current' : 'add-bulk'} aria-current={panel === 'import' ? 'true' : undefined} onClick={openImport}>
            {t('addMailboxBulk')}
          </button>
        </div>
        {error && (
          <p class="banner error" role="alert">
            {error}
          </p>
        )}
        {accounts === null && !error && <p class="muted">{t('accountsLoading')}</p>}
        {accounts && accounts.length === 0 && <p class="muted">{t('accountsNone')}</p>}
        {accounts && accounts.length > 0 && <Fleet accounts={accounts} deps={deps} isCurrent={isCurrent} onChoose={choose} onChanged={reload} onRemoved={onManyRemoved} onImport={openImport} now={now} />}
        <ServerHealthPanel deps={deps} />
        <MembersSection deps={deps} />
        <WebhooksSection deps={deps} />
      </aside>
      <main class="detail">
        {importOpened && (
          <div hidden={panel !== 'import'}>
            <BulkImport deps={deps} onFinished={reload} />
          </div>
        )}
        {panel === 'add' && <AddMailbox deps={deps} onConnecting={onConnecting} onAdded={onAdded} onBulk={openImport} />}
        {panel === 'account' &&
          (selected ? (
            <AccountDetail key={selected} id={selected} deps={deps} now={now} admin={admin} summary={JSON.stringify(summary ?? null)} onChanged={reload} onRemoved={onRemoved} />
          ) : (
            <p class="muted">{accounts?.some((a) => a.provider === 'custom') ? t('accountsChooseOrFix') : t('accountsChoose')}</p>
          ))}
      </main>
      {/* Workspace sections below the mailboxes (members, webhooks…), one line each: */}
      <div class="sections"></div>
    </div>
  );
}
