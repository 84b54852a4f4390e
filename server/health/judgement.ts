/**
 * What a check's finding writes: the state machine's decision as a row patch, and the event
 * when the state changes. accounts/transition.ts writes it, with whatever else the finding
 * brings (the lease's release, settings an import tested, a new grant).
 *
 * @example const { patch, event } = judge(row, null, new Date(), { intervalSeconds: 300 });
 */
import type { AccountState } from '../../shared/api.ts';
import { newId } from '../db/ids.ts';
import type { AccountUpdate, NewAccountEvent } from '../db/schema.ts';
import type { Classification } from './classify.ts';
import { decide, type Decision, type Standing, type Timing } from './state.ts';

export interface Judgement {
  decision: Decision;
  /** State, reason, schedule and incident fields (no lease fields). */
  patch: AccountUpdate;
  event: NewAccountEvent | null;
}

export function judge(row: Standing & { id: string; state: AccountState }, found: Classification | null, now: Date, timing: Timing): Judgement {
  const nowIso = now.toISOString();
  const decision = decide(row, found, now, timing);
  const event = decision.transition
    ? { id: newId('evt'), account_id: row.id, at: nowIso, from_state: row.state, to_state: decision.state, reason_code: found?.code ?? 'check_ok', message: found?.message ?? 'The check succeeded.', hint: found?.hint ?? null, detail: found?.detail ?? null }
    : null;
  const patch: AccountUpdate = {
    state: decision.state,
    transient_failures: decision.transient_failures,
    slow_retries: decision.slow_retries,
    next_check_at: decision.next_check_at,
    last_checked_at: nowIso,
  };
  if (decision.reason !== undefined) {
    patch.reason_code = decision.reason?.code ?? null;
    patch.reason_message = decision.reason?.message ?? null;
    patch.reason_hint = decision.reason?.hint ?? null;
  }
  if (decision.transition) patch.state_changed_at = nowIso;
  if (decision.opensIncident) patch.incident_event_id = event?.id ?? null;
  if (decision.state === 'connected') patch.incident_event_id = null;
  return { decision, patch, event };
}
