/**
 * The causes `GET /api/status` gives: every operator cause among the caller's broken mailboxes
 * (one is enough: it is Regrant's own setting), and the named causes of at least CAUSE_MIN
 * mailboxes (causes.ts), each with who can fix it. Each mailbox carries the one it belongs to,
 * so the popup and the accounts page can group by it.
 *
 * @example
 *   const { causes, byAccount } = statusCauses(broken);
 *   byAccount.get('acc_1'); // { id, code, message, count }
 */
import type { Cause } from '../../shared/api.ts';
import { audienceOf, OPERATOR_CAUSES } from './audience.ts';
import { namedCauses, type BrokenMailbox } from './causes.ts';

export interface StatusCauses {
  causes: Cause[];
  byAccount: Map<string, Pick<Cause, 'id' | 'code' | 'message' | 'count'>>;
}

export function statusCauses(broken: BrokenMailbox[]): StatusCauses {
  const causes: Cause[] = [];
  const byAccount: StatusCauses['byAccount'] = new Map();
  const add = (cause: Cause, members: string[]) => {
    causes.push(cause);
    for (const id of members) byAccount.set(id, { id: cause.id, code: cause.code, message: cause.message, count: cause.count });
  };
  const operator = new Map<string, BrokenMailbox[]>();
  for (const m of broken) if (audienceOf(m.code) === 'operator') operator.set(m.code, [...(operator.get(m.code) ?? []), m]);
  for (const [code, members] of operator) {
    const { title, setting } = OPERATOR_CAUSES[code];
    add({ id: `${code}:operator`, code, message: `${title}: ${members.length} ${members.length === 1 ? 'mailbox waits' : 'mailboxes wait'} on ${setting}`, count: members.length, audience: 'operator', hint: members[0].hint, setting }, members.map((m) => m.id));
  }
  for (const c of namedCauses(broken.filter((m) => audienceOf(m.code) !== 'operator'))) {
    add({ id: c.id, code: c.code, message: c.message, count: c.count, audience: audienceOf(c.code), hint: c.hint }, c.members);
  }
  return { causes: causes.sort((a, b) => b.count - a.count), byAccount };
}
