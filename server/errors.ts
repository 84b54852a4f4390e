/**
 * Errors the server expects, as values with a stable code. The HTTP layer turns the code into
 * a status; logic branches on the code, never on the message.
 *
 * @example throw new DomainError('account_exists', 'a mailbox ann@acme.test already exists', 'email')
 */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_json'
  | 'invalid_csv'
  | 'import_expired'
  | 'import_started'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'account_exists'
  | 'check_in_progress'
  | 'wrong_provider'
  | 'provider_not_configured'
  | 'rate_limited'
  | 'bad_request'
  | 'request_timeout'
  | 'headers_too_large'
  | 'internal_error';

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
