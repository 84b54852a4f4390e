import { useCallback, useEffect, useState } from 'preact/hooks';
import { MAILBOX_KIND_LABEL, SIGN_IN_LABEL, type AccountEvent, type AccountView, type OAuthProviderKind } from '../../shared/api.ts';
import { STATE_LABEL, pendingText, troubleNote } from '../utils/accounts.ts';
import { problemOf } from '../utils/api.ts';
import { t } from '../utils/i18n.ts';
import { openRegrant } from '../utils/regrant.ts';
import { agoText, sinceText } from '../utils/time.ts';
import type { AccountsPageDeps } from './AccountsPage.tsx';
import { MailboxActions } from './MailboxActions.tsx';
import { SettingsForm, type Part } from './SettingsForm.tsx';
import { useAction } from './use-action.ts';

interface AccountDetailProps {
  id: string;
  deps: AccountsPageDeps;
  now: Date;
  admin: boolean;
  /** The list's row of this mailbox as text: when it changes (a check, an email sent), the detail is read again. */
  summary: string;
  onChanged(): Promise<void>;
  onRemoved(): Promise<void>;
}

/** One mailbox: its state and why, its actions, its settings (custom) or re-grant, and its history. */
export function AccountDetail({ id, deps, now, admin, summary, onChanged, onRemoved }: AccountDetailProps) {
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
  }, [load, summary]);

  const changed = async () => {
    await Promise.all([load(), onChanged(), deps.pollNow().catch(() => undefined)]);
  };

  async function test(part: Part, patch: Record<string, unknown>) {
    const api = await deps.api();
    // Saved only when its sign-in passes; a refusal throws and leaves everything as it was.
    if (Object.keys(patch).length) await api.update(id, { [part]: patch });
    const result = part === 'smtp' ? await api.testSending(id) : await api.testReceiving(id);
    await changed();
    return result;
  }

  if (error) return <p class="banner error" role="alert">{error}</p>;
  if (!account) return <p class="muted">{t('accountsLoading')}</p>;
  return (
    <article>
      <h2>{account.email}</h2>
      <p class="facts-line">
        {MAILBOX_KIND_LABEL[account.provider]} · <span class={`state ${account.state}`}>{STATE_LABEL[account.state]}</span>{' '}
        <span class="muted">{sinceText(account.stateChangedAt, now)}</span>
        {account.lastCheckedAt && <span class="muted"> · {t('accountsChecked', agoText(account.lastCheckedAt, now))}</span>}
        {account.pendingEmails > 0 && <span class="pending"> · {pendingText(account.pendingEmails)}</span>}
        <span class="muted"> · {t('accountsOwnedBy', account.owner.email)}</span>
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
      <MailboxActions account={account} deps={deps} admin={admin} onChanged={changed} onRemoved={onRemoved} />
      {account.provider === 'custom' ? (
        <div class="forms">
          <SettingsForm part="smtp" email={account.email} saved={account.smtp} onTest={(patch) => test('smtp', patch)} />
          <SettingsForm part="imap" email={account.email} saved={account.imap} onTest={(patch) => test('imap', patch)} />
        </div>
      ) : (
        account.state === 'needs_reauth' && <RegrantButton id={id} provider={account.provider} deps={deps} />
      )}
      <h3>{t('accountsHistory')}</h3>
      {events.length === 0 ? (
        <p class="muted">{t('accountsNoHistory')}</p>
      ) : (
        <ol class="events">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>{' '}
              {e.kind === 'trouble' ? (
                <span class="trouble">{t('accountsCheckFailedStill', STATE_LABEL[e.to].toLowerCase())}</span>
              ) : (
                <>
                  {STATE_LABEL[e.from]} → <span class={`state ${e.to}`}>{STATE_LABEL[e.to]}</span>
                </>
              )}
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
        {t('accountsRegrantWith', SIGN_IN_LABEL[provider])}
      </button>
      <span class="result error" role="status">
        {error}
      </span>
    </p>
  );
}
