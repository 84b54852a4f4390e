/**
 * Why a sign-in was refused: a stable code for logic and tests, and words for the person in
 * the sign-in window. Nothing in a refusal reveals whether an address is a user.
 *
 * @example throw new SigninRefused('id_token_nonce', 'This sign-in answer was meant for another sign-in.');
 */
export type SigninRefusal =
  | 'not_allowed'
  | 'unknown_extension'
  | 'bad_request'
  | 'rate_limited'
  | 'unverified_email'
  | 'wrong_domain'
  | 'untrusted_tenant'
  | 'id_token_signature'
  | 'id_token_audience'
  | 'id_token_expired'
  | 'id_token_nonce'
  | 'id_token_issuer'
  | 'id_token_invalid'
  | 'provider_error'
  | 'denied'
  | 'not_configured'
  | 'attempt_invalid'
  | 'other_browser'
  | 'code_wrong'
  | 'code_expired'
  | 'too_many_tries';

export class SigninRefused extends Error {
  constructor(
    readonly code: SigninRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SigninRefused';
  }
}
