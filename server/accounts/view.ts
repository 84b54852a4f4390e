import type { AccountStatus, AccountView, Reason, ServerSettingsView, Trouble } from '../../shared/api.ts';
import type { AccountRow } from '../db/schema.ts';
import { UNREACHABLE_AFTER } from '../health/state.ts';

/** The columns of a mailbox's status. */
export const STATUS_COLUMNS = ['id', 'email', 'provider', 'state', 'reason_code', 'reason_message', 'reason_hint', 'last_checked_at', 'state_changed_at', 'trouble_message', 'trouble_at', 'transient_failures', 'next_check_at'] as const;
type StatusColumns = Pick<AccountRow, (typeof STATUS_COLUMNS)[number]>;

export function reasonOf(row: Pick<AccountRow, 'reason_code' | 'reason_message' | 'reason_hint'>): Reason | null {
  if (!row.reason_code) return null;
  return { code: row.reason_code, message: row.reason_message ?? '', ...(row.reason_hint ? { hint: row.reason_hint } : {}) };
}

function settings(row: AccountRow, part: 'smtp' | 'imap'): ServerSettingsView | null {
  const host = row[`${part}_host`];
  if (!host) return null;
  return {
    host,
    port: row[`${part}_port`]!,
    security: row[`${part}_security`]!,
    username: row[`${part}_username`]!,
    hasPassword: Boolean(row[`${part}_password`]),
  };
}

export function troubleOf(row: Pick<StatusColumns, 'state' | 'trouble_message' | 'trouble_at' | 'transient_failures' | 'next_check_at'>): Trouble | null {
  if (!row.trouble_message || !row.trouble_at) return null;
  const counting = row.state === 'connected' || row.state === 'new';
  return { message: row.trouble_message, tries: row.transient_failures, of: counting ? UNREACHABLE_AFTER : null, at: row.trouble_at, nextCheckAt: row.next_check_at };
}

export function statusView(row: StatusColumns, pendingEmails = 0): AccountStatus {
  return {
    id: row.id,
    email: row.email,
    provider: row.provider,
    state: row.state,
    reason: reasonOf(row),
    lastCheckedAt: row.last_checked_at,
    stateChangedAt: row.state_changed_at,
    pendingEmails,
    trouble: troubleOf(row),
  };
}

/** The API's view of an account: settings without their secrets. */
export function accountView(row: AccountRow, owner: { id: string; email: string }, pendingEmails = 0): AccountView {
  return {
    ...statusView(row, pendingEmails),
    name: row.name,
    owner,
    smtp: settings(row, 'smtp'),
    imap: settings(row, 'imap'),
    nextCheckAt: row.next_check_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
