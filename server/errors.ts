/**
 * Errors the server expects, as values with a stable code. The HTTP layer turns the code into
 * a status; logic branches on the code, never on the message. The codes are listed once, in
 * shared/api.ts (`ERROR_CODES`), with the answers' shapes.
 *
 * @example throw new DomainError('account_exists', 'a mailbox ann@acme.test already exists', 'email')
 */
import type { ErrorCode } from '../shared/api.ts';

export type { ErrorCode };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
