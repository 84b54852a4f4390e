/**
 * What a member hears about an address they may not have. Whether it is someone else's
 * mailbox (custom, Google or Microsoft), or waits for an admin's approval for someone else,
 * the answer is the same words: a member learns nothing about mailboxes they do not own.
 * Admins, who see every mailbox anyway, get the precise reason instead.
 *
 * @example if (!mine) throw notYours(input.email);
 */
import { DomainError } from '../errors.ts';

/** The one neutral refusal: 403, the same for every reason a member cannot act on. */
export function notYours(email: string): DomainError {
  return new DomainError('forbidden', `${email} cannot be added to your mailboxes. If it should be yours, ask an administrator of Regrant.`, 'email');
}

/** Whether `actor` may hear what a mailbox owned by `ownerId` is: an admin, or its owner. */
export const mayKnow = (actor: { id: string; role: string }, ownerId: string) => actor.role === 'admin' || actor.id === ownerId;

/** A member at MAX_MAILBOXES_PER_MEMBER: 422, with what to do about it. */
export function mailboxLimit(ownerEmail: string, has: number, max: number): DomainError {
  return new DomainError('mailbox_limit', `${ownerEmail} has ${has} mailboxes in Regrant, the most a member may have (MAX_MAILBOXES_PER_MEMBER is ${max}). Remove one first, or ask an administrator.`);
}
