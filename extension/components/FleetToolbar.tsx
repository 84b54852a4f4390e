import { useState } from 'preact/hooks';
import { STATE_LABEL, pendingText } from '../utils/accounts.ts';
import type { AccountState, AccountStatus, AccountView } from '../../shared/api.ts';
import { problemOf, type Api } from '../utils/api.ts';
import { forEachMailbox, shareText, type MailboxResult } from '../utils/fleet-actions.ts';
import { formatCount, t } from '../utils/i18n.ts';
import { tn } from '../utils/plural.ts';
import { CHIP_STATES } from '../utils/fleet.ts';

export interface FleetDeps {
  api(): Promise<Api>;
  writeClipboard(text: string): Promise<void>;
  saveFile(file: Blob, name: string): void;
  /** Lets the badge and popup follow at once. */
  pollNow(): Promise<unknown>;
}

interface FleetToolbarProps {
  deps: FleetDeps;
  /** The selected mailboxes, in the list's order. */
  chosen: readonly AccountStatus[];
  /** How many of them the filter hides. */
  hidden: number;
  shownCount: number;
  onSelectShown(): void;
  onClear(): void;
  /** Mailboxes changed (checked): read the list again. */
  onChanged(): Promise<void>;
  /** These mailboxes are gone. */
  onRemoved(ids: string[]): Promise<void>;
  /** Opens Add in bulk, where the exported file is imported. */
  onImport(): void;
}

type Outcome = { text: string; error?: boolean; problems?: string[]; importOffer?: boolean };

/** The states after a Check now, in words: "3 connected, 1 needs re-authentication". */
function statesText(views: AccountView[]): string {
  const by = new Map<AccountState, number>();
  for (const v of views) by.set(v.state, (by.get(v.state) ?? 0) + 1);
  return CHIP_STATES.filter((s) => by.get(s)).map((s) => t('fleet_stateCount', formatCount(by.get(s)!), STATE_LABEL[s].toLowerCase())).join(', ');
}

/** `done` rounded down to the last tenth of `total` passed: what a screen reader is told. */
const lastTenth = (done: number, total: number) => Math.floor((Math.floor((done * 10) / total) * total) / 10);

const problemsOf = <T,>(results: MailboxResult<T>[]) => results.flatMap((r) => (r.ok ? [] : [`${r.account.email}: ${r.error}`]));

/**
 * What can be done to many mailboxes at once: says how many are selected, selects all shown or
 * none, and acts on the selection (Copy share links, Check now, Export for bulk
 * re-authentication, Remove after a confirmation naming how many), with progress while it
 * works and what could not be done, mailbox by mailbox. Arrow keys move between its buttons.
 */
export function FleetToolbar({ deps, chosen, hidden, shownCount, onSelectShown, onClear, onChanged, onRemoved, onImport }: FleetToolbarProps) {
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ key: string; done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [asking, setAsking] = useState(false);
  const n = chosen.length;

  async function work(run: () => Promise<Outcome>) {
    if (busy || n === 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(await run());
    } catch (e) {
      setOutcome({ text: problemOf(e).message, error: true });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  }
  const each = async <T,>(key: string, action: (api: Api, a: AccountStatus) => Promise<T>) => {
    const api = await deps.api();
    setProgress({ key, done: 0, total: n });
    return forEachMailbox(chosen, (a) => action(api, a), { onProgress: (done, total) => setProgress({ key, done, total }) });
  };

  const copyLinks = () =>
    work(async () => {
      const results = await each('fleet_makingLinks', (api, a) => api.shareLink(a.id));
      await deps.writeClipboard(shareText(results));
      const made = results.filter((r) => r.ok).length;
      return { text: made ? tn('fleet_copied', made) : t('fleet_noLinks'), error: made === 0, problems: problemsOf(results) };
    });
  const checkNow = () =>
    work(async () => {
      const results = await each('fleet_checking', (api, a) => api.checkNow(a.id));
      await Promise.all([onChanged(), deps.pollNow()]);
      const views = results.flatMap((r) => (r.ok ? [r.value] : []));
      return { text: tn('fleet_checked', views.length, statesText(views)), problems: problemsOf(results) };
    });
  const exportCsv = () =>
    work(async () => {
      const custom = chosen.filter((a) => a.provider === 'custom');
      if (custom.length === 0) return { text: t('fleet_exportNone'), error: true };
      const { file, name } = await (await deps.api()).exportAccounts(custom.map((a) => a.id));
      deps.saveFile(file, name);
      const left = n - custom.length;
      return { text: [tn('fleet_exported', custom.length, name), left ? tn('fleet_exportLeftOut', left) : ''].filter(Boolean).join(' '), importOffer: true };
    });
  const remove = () =>
    work(async () => {
      setAsking(false);
      const results = await each('fleet_removing', (api, a) => api.remove(a.id));
      const gone = results.filter((r) => r.ok).map((r) => r.account.id);
      await Promise.all([onRemoved(gone), deps.pollNow()]);
      return { text: tn('fleet_removed', gone.length), problems: problemsOf(results) };
    });

  // Arrow keys move along the toolbar's buttons (Tab still reaches each).
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    e.preventDefault();
    buttons[(at + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length].focus();
  };
  const held = chosen.reduce((k, a) => k + a.pendingEmails, 0);
  // aria-disabled, not disabled: a button that cannot act now keeps the keyboard's focus.
  const none = n === 0 || busy;
  const off = (unavailable: boolean) => ({ 'aria-disabled': unavailable ? ('true' as const) : undefined });

  return (
    <div class="fleet-toolbar">
      <p class="selected-count" role="status" aria-live="polite">
        {tn('fleet_selected', n)}
        {hidden > 0 && <> ({t('fleet_selectedHidden', formatCount(hidden))})</>}
      </p>
      <div class="fleet-actions" role="toolbar" aria-label={t('fleet_toolbarLabel')} onKeyDown={onKeyDown}>
        <button type="button" {...off(busy || shownCount === 0)} onClick={() => !busy && shownCount > 0 && onSelectShown()}>
          {t('fleet_selectShown', formatCount(shownCount))}
        </button>
        <button type="button" {...off(none)} onClick={() => !none && onClear()}>
          {t('fleet_clear')}
        </button>
        <button type="button" {...off(none)} onClick={() => void copyLinks()}>
          {t('fleet_copyLinks')}
        </button>
        <button type="button" {...off(none)} onClick={() => void checkNow()}>
          {t('fleet_checkNow')}
        </button>
        <button type="button" {...off(none)} onClick={() => void exportCsv()}>
          {t('fleet_export')}
        </button>
        <button type="button" class="danger" {...off(none)} aria-expanded={asking} onClick={() => !none && setAsking(!asking)}>
          {t('fleet_remove')}
        </button>
      </div>
      {asking && n > 0 && (
        <div class="ask" role="alertdialog" aria-label={t('fleet_remove')}>
          <p>
            {tn('fleet_removeQuestion', n)} {held > 0 && t('fleet_removeDrops', pendingText(held))}
          </p>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            {tn('fleet_removeConfirm', n)}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            {t('fleet_cancel')}
          </button>
        </div>
      )}
      {progress && (
        <div class="fleet-progress">
          <progress value={progress.done} max={progress.total} aria-label={t('fleet_progressLabel')} />
          <span aria-hidden="true">{t(progress.key, formatCount(progress.done), formatCount(progress.total))}</span>
          {/* A screen reader hears each tenth, not each of 300 mailboxes. */}
          <span class="sr-only" role="status">
            {t(progress.key, formatCount(lastTenth(progress.done, progress.total)), formatCount(progress.total))}
          </span>
        </div>
      )}
      {outcome && (
        <div class="fleet-outcome">
          <p class={outcome.error ? 'result error' : 'result ok'} role="status">
            {outcome.text} {outcome.problems?.length ? tn('fleet_failedBelow', outcome.problems.length) : null}
          </p>
          {outcome.importOffer && (
            <button type="button" onClick={onImport}>
              {t('fleet_openImport')}
            </button>
          )}
          {outcome.problems && outcome.problems.length > 0 && (
            <ul class="problems" aria-label={t('fleet_problemsLabel')}>
              {outcome.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
