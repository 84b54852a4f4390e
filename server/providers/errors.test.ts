import { describe, expect, it } from 'vitest';
import { GoogleApiError, httpErrorOf, OAuthRequestError, ProviderHttpError } from './errors.ts';

describe('provider HTTP answers are read once into named errors', () => {
  it('a Google token refusal keeps its code, description and subtype', () => {
    const e = httpErrorOf(400, { error: 'invalid_grant', error_description: 'reauth related error (invalid_rapt)', error_subtype: 'invalid_rapt' });
    expect(e).toBeInstanceOf(OAuthRequestError);
    expect(e).toMatchObject({ status: 400, code: 'invalid_grant', description: 'reauth related error (invalid_rapt)', subtype: 'invalid_rapt', errorCodes: [] });
  });

  it('a Microsoft token refusal keeps its AADSTS numbers', () => {
    const e = httpErrorOf(400, { error: 'invalid_grant', error_description: 'AADSTS50173: The provided grant has expired.', error_codes: [50173, 'x'] });
    expect(e).toMatchObject({ code: 'invalid_grant', subtype: null, errorCodes: [50173] });
  });

  it('a Google API refusal keeps its status and every reason', () => {
    const e = httpErrorOf(403, { error: { code: 403, message: 'Request had insufficient authentication scopes.', status: 'PERMISSION_DENIED', errors: [{ reason: 'insufficientPermissions' }], details: [{ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }] } });
    expect(e).toBeInstanceOf(GoogleApiError);
    expect(e).toMatchObject({ status: 403, apiStatus: 'PERMISSION_DENIED', description: 'Request had insufficient authentication scopes.', reasons: ['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'] });
  });

  it('a body that is neither stays a plain HTTP error, its start quoted', () => {
    const e = httpErrorOf(503, '<html>Service Unavailable</html>');
    expect(e).not.toBeInstanceOf(OAuthRequestError);
    expect(e).toBeInstanceOf(ProviderHttpError);
    expect(e.message).toBe('HTTP 503: <html>Service Unavailable</html>');
  });
});
