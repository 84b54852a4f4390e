/**
 * Applies what `GET /api/status?since=VERSION` answered to the list kept from before: changed
 * mailboxes replace their old selves (or join), removed ones leave, counts, version,
 * serverDegraded, causes and ownEmailsRefused are the server's. The list stays in the server's order (by address).
 *
 * @example
 *   const status = applyStatusDelta(kept, await res.json()); // the full list as of delta.version
 */
import type { StatusDelta, StatusResponse } from '../../shared/api.ts';

/** A delta rather than a full list. */
export function isStatusDelta(data: StatusResponse | StatusDelta): data is StatusDelta {
  return Array.isArray((data as StatusDelta).changed);
}

export function applyStatusDelta(kept: StatusResponse, delta: StatusDelta): StatusResponse {
  const changed = new Map(delta.changed.map((a) => [a.id, a]));
  const removed = new Set(delta.removed);
  const accounts = kept.accounts.filter((a) => !removed.has(a.id) && !changed.has(a.id));
  if (!changed.size) return { ...kept, ...fromServer(delta), accounts };
  // Few change at a time: each goes into its place in the ordered list.
  for (const account of changed.values()) {
    let low = 0;
    let high = accounts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (accounts[mid].email < account.email) low = mid + 1;
      else high = mid;
    }
    accounts.splice(low, 0, account);
  }
  return { ...kept, ...fromServer(delta), accounts };
}

/** What a delta gives whole: counts, version, the server's own state, every cause (a cause's count moves with mailboxes the delta leaves out). */
function fromServer(delta: StatusDelta): Partial<StatusResponse> {
  return { version: delta.version, counts: delta.counts, serverDegraded: delta.serverDegraded, causes: delta.causes, ownEmailsRefused: delta.ownEmailsRefused };
}
