import { useState } from 'preact/hooks';
import type { AccountView } from '../../shared/api.ts';
import { pendingText } from '../utils/accounts.ts';
import { t } from '../utils/i18n.ts';
import { expiresInText } from '../utils/time.ts';
import type { AccountsPageDeps } from './AccountsPage.tsx';
import { useAction } from './use-action.ts';

interface MailboxActionsProps {
  account: AccountView;
  deps: AccountsPageDeps;
  /** Admins may give a mailbox to someone else. */
  admin: boolean;
  /** The mailbox changed (checked, given away): show it again. */
  onChanged(): Promise<void>;
  /** The mailbox is gone. */
  onRemoved(): Promise<void>;
}

/**
 * What can be done to one mailbox from the accounts page: Check now, Copy link (Gmail and
 * Outlook), Change owner (admins) and Remove, which says how many held emails go with it
 * and asks once.
 */
export function MailboxActions({ account, deps, admin, onChanged, onRemoved }: MailboxActionsProps) {
  const { busy, error, done, run } = useAction();
  const [asking, setAsking] = useState<'owner' | 'remove' | null>(null);
  const [owner, setOwner] = useState(account.owner.email);
  const api = () => deps.api();

  const checkNow = () =>
    run(async () => {
      const after = await (await api()).checkNow(account.id);
      await onChanged();
      return t('mailboxActionChecked', after.email);
    });
  const copyLink = () =>
    run(async () => {
      const link = await (await api()).shareLink(account.id);
      await deps.writeClipboard(link.url);
      return t('mailboxActionCopied', expiresInText(link.expiresAt, deps.now()));
    });
  const changeOwner = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await (await api()).update(account.id, { owner: owner.trim() });
      setAsking(null);
      await onChanged();
      return t('mailboxActionOwnerChanged', owner.trim());
    });
  };
  const remove = () =>
    run(async () => {
      await (await api()).remove(account.id);
      setAsking(null);
      await onRemoved();
    });

  return (
    <div class="mailbox-actions">
      <div class="buttons">
        <button disabled={busy} onClick={checkNow}>
          {t('mailboxActionCheckNow')}
        </button>
        {account.provider !== 'custom' && (
          <button disabled={busy} aria-label={t('mailboxActionCopyLinkFor', account.email)} onClick={copyLink}>
            {t('mailboxActionCopyLink')}
          </button>
        )}
        {admin && (
          <button disabled={busy} aria-expanded={asking === 'owner'} onClick={() => setAsking(asking === 'owner' ? null : 'owner')}>
            {t('mailboxActionChangeOwner')}
          </button>
        )}
        <button class="danger" disabled={busy} aria-expanded={asking === 'remove'} onClick={() => setAsking(asking === 'remove' ? null : 'remove')}>
          {t('mailboxActionRemove')}
        </button>
      </div>
      {asking === 'owner' && (
        <form class="ask" onSubmit={changeOwner} aria-label={t('mailboxActionChangeOwner')}>
          <label for="new-owner">{t('mailboxActionNewOwner')}</label>
          <input id="new-owner" type="email" value={owner} onInput={(e) => setOwner(e.currentTarget.value)} />
          <button class="primary" type="submit" disabled={busy}>
            {t('mailboxActionSaveOwner')}
          </button>
        </form>
      )}
      {asking === 'remove' && (
        <div class="ask" role="alertdialog" aria-label={t('mailboxActionRemove')}>
          <p>
            {t('mailboxActionRemoveQuestion', account.email)}{' '}
            {account.pendingEmails > 0 ? t('mailboxActionRemoveDrops', pendingText(account.pendingEmails)) : t('mailboxActionRemoveNothingHeld')}
          </p>
          <button class="danger" disabled={busy} onClick={remove}>
            {t('mailboxActionRemoveConfirm', account.email)}
          </button>{' '}
          <button disabled={busy} onClick={() => setAsking(null)}>
            {t('mailboxActionCancel')}
          </button>
        </div>
      )}
      <p class={error ? 'result error' : 'result ok'} role="status" aria-live="polite">
        {error ?? done}
      </p>
    </div>
  );
}
