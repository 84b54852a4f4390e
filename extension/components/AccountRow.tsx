import { Component } from 'preact';
import { MAILBOX_KIND_LABEL, type AccountStatus } from '../../shared/api.ts';
import { STATE_LABEL, pendingText, troubleNote } from '../utils/accounts.ts';
import { t } from '../utils/i18n.ts';
import { sinceText } from '../utils/time.ts';
import { useAction } from './use-action.ts';

export interface RowActions {
  /** Opens the provider's consent page in a new tab. */
  regrant(account: AccountStatus): Promise<void>;
  /** Creates a share link and copies it; answers what to tell the person. */
  copyLink(account: AccountStatus): Promise<string>;
  /** Opens the accounts page at this mailbox. */
  fix(account: AccountStatus): void;
}

interface RowProps {
  account: AccountStatus;
  /** The clock to the minute: rows re-render when their "for 3 h" could change, not every poll. */
  minute: number;
  actions: RowActions;
}

/** Same mailbox, same words: a poll that changed nothing re-renders no row. */
const sameRow = (a: RowProps, b: RowProps) =>
  a.minute === b.minute && a.actions === b.actions && JSON.stringify(a.account) === JSON.stringify(b.account);

export class AccountRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps) {
    return !sameRow(this.props, next);
  }
  override render() {
    return <Row {...this.props} />;
  }
}

/** One mailbox in the popup: what is wrong, since when, what waits, and the fix. */
function Row({ account, minute, actions }: RowProps) {
  const now = new Date(minute);
  const { busy, error, done, run } = useAction();
  const oauth = account.provider !== 'custom';
  const broken = account.state === 'needs_reauth';

  return (
    <li class={`account ${account.state}`} data-account={account.id}>
      <div class="line">
        <span class="email" title={account.email}>{account.email}</span>
        <span class="provider muted">{MAILBOX_KIND_LABEL[account.provider]}</span>
      </div>
      <div class="line facts">
        <span class={`state ${account.state}`}>{STATE_LABEL[account.state]}</span>
        {account.state !== 'connected' && <span class="muted"> {sinceText(account.stateChangedAt, now)}</span>}
        {account.pendingEmails > 0 && <span class="pending">{pendingText(account.pendingEmails)}</span>}
      </div>
      {account.reason && account.state !== 'connected' && <p class="reason">{account.reason.message}</p>}
      {account.trouble && (
        <p class="trouble">
          {account.trouble.message} <span class="muted">({troubleNote(account.trouble, now)})</span>
        </p>
      )}
      {broken && (
        <div class="actions">
          {oauth ? (
            <>
              <button class="primary" disabled={busy} aria-label={t('accountRowRegrantFor', account.email)} onClick={() => run(() => actions.regrant(account))}>
                {t('accountRowRegrant')}
              </button>
              <button disabled={busy} aria-label={t('mailboxActionCopyLinkFor', account.email)} onClick={() => run(() => actions.copyLink(account))}>
                {t('mailboxActionCopyLink')}
              </button>
            </>
          ) : (
            <button class="primary" aria-label={t('accountRowFixFor', account.email)} onClick={() => actions.fix(account)}>
              {t('accountRowFix')}
            </button>
          )}
        </div>
      )}
      <p class={error ? 'feedback error' : 'feedback'} role="status" aria-live="polite">
        {error ?? done}
      </p>
    </li>
  );
}
