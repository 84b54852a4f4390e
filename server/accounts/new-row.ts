import type { ProviderKind } from '../../shared/api.ts';
import type { NewAccountRow } from '../db/schema.ts';

/**
 * A new mailbox row with nothing known yet: state `new`, no settings, no secrets, due for a
 * check now. Callers add what they have (custom settings, or an OAuth grant).
 *
 * @example db.insertInto('accounts').values({ ...newAccountRow({ id, email, ownerId, provider: 'custom', now }), ...settings })
 */
export function newAccountRow(a: { id: string; email: string; name?: string | null; ownerId: string; provider: ProviderKind; now: string }): NewAccountRow {
  return {
    id: a.id,
    email: a.email,
    name: a.name ?? null,
    owner_id: a.ownerId,
    provider: a.provider,
    state: 'new',
    reason_code: null,
    reason_message: null,
    reason_hint: null,
    state_changed_at: a.now,
    smtp_host: null,
    smtp_port: null,
    smtp_security: null,
    smtp_username: null,
    smtp_password: null,
    imap_host: null,
    imap_port: null,
    imap_security: null,
    imap_username: null,
    imap_password: null,
    oauth_refresh_token: null,
    last_checked_at: null,
    next_check_at: a.now,
    lease_owner: null,
    lease_until: null,
    incident_event_id: null,
    created_at: a.now,
    updated_at: a.now,
  };
}
