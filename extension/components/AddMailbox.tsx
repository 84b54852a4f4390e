import { SIGN_IN_LABEL, type AccountView, type OAuthProviderKind } from '../../shared/api.ts';
import { t } from '../utils/i18n.ts';
import { AddCustomForm } from './AddCustomForm.tsx';
import type { AccountsPageDeps } from './AccountsPage.tsx';
import { useAction } from './use-action.ts';

interface AddMailboxProps {
  deps: AccountsPageDeps;
  /** A consent page is open in another tab: the page watches for the mailbox it adds. */
  onConnecting(provider: OAuthProviderKind): void;
  onAdded(account: AccountView): Promise<void>;
  onBulk(): void;
}

/**
 * Add mailbox: Connect Gmail or Outlook (the consent page in a new tab; the mailbox appears
 * on the page when it comes back), a custom SMTP/IMAP mailbox, or many from a CSV file.
 */
export function AddMailbox({ deps, onConnecting, onAdded, onBulk }: AddMailboxProps) {
  const { busy, error, done, run } = useAction();
  const connect = (provider: OAuthProviderKind) =>
    run(async () => {
      const { url } = await (await deps.api()).connect(provider);
      await deps.openTab(url);
      onConnecting(provider);
      return t('addMailboxConnecting', SIGN_IN_LABEL[provider]);
    });
  return (
    <section class="add-mailbox-panel" aria-labelledby="add-mailbox-title">
      <h2 id="add-mailbox-title">{t('addMailboxTitle')}</h2>
      <div class="buttons">
        <button class="primary" disabled={busy} onClick={() => connect('google')}>
          {t('addMailboxConnectGmail')}
        </button>
        <button class="primary" disabled={busy} onClick={() => connect('microsoft')}>
          {t('addMailboxConnectOutlook')}
        </button>
        <button onClick={onBulk}>{t('addMailboxBulk')}</button>
      </div>
      <p class={error ? 'result error' : 'result ok'} role="status" aria-live="polite">
        {error ?? done}
      </p>
      <AddCustomForm api={deps.api} onAdded={onAdded} />
    </section>
  );
}
