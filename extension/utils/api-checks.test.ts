/**
 * The API client uses only answers that fit the shared schemas, and opens only its own
 * server's pages: a compromised server cannot send Re-grant or Copy link elsewhere, and one
 * bad status row does not blank the popup.
 */
import { describe, expect, it } from 'vitest';
import { account, scriptedFetch, statusOf } from '../../test/extension/fixtures.ts';
import { ApiError, createApi } from './api.ts';

const SERVER = 'https://regrant.acme.test';
const EXPIRES = '2026-12-04T10:15:00.000Z';
const apiAnswering = (body: unknown) => createApi({ serverUrl: SERVER, apiToken: 'rg_x', fetch: scriptedFetch([{ status: 200, body }]).fetch });

describe('Re-grant and Copy link open only the server’s own pages', () => {
  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['another https host', 'https://accounts-google.evil.test/o/oauth2/auth'],
    ['plain http to a non-loopback host', 'http://regrant.acme.test/oauth/start/rg_x'],
  ])('a %s URL is refused by both', async (_why, url) => {
    await expect(apiAnswering({ url, expiresAt: EXPIRES }).regrant('acc_1')).rejects.toMatchObject({ code: 'not_regrant' });
    await expect(apiAnswering({ url, expiresAt: EXPIRES }).shareLink('acc_1')).rejects.toBeInstanceOf(ApiError);
  });

  it('the server’s own origin is opened as the URL parser writes it', async () => {
    expect(await apiAnswering({ url: `${SERVER}/oauth/start/rg_a b`, expiresAt: EXPIRES }).regrant('acc_1')).toEqual({ url: `${SERVER}/oauth/start/rg_a%20b` });
    expect(await apiAnswering({ url: `${SERVER}/r/tok`, expiresAt: EXPIRES }).shareLink('acc_1')).toEqual({ url: `${SERVER}/r/tok`, expiresAt: EXPIRES });
  });
});

describe('answers are checked before use', () => {
  it('a status row without an email is left out; the other rows are shown', async () => {
    const good = account('ops@acme.test', 'needs_reauth');
    const { email: _email, ...noEmail } = account('ghost@acme.test', 'needs_reauth');
    const answer = await apiAnswering({ ...statusOf([good]), accounts: [good, noEmail] }).status();
    expect(answer.changed && answer.status.accounts.map((a) => a.email)).toEqual(['ops@acme.test']);
  });

  it('an account answer of the wrong shape is an error, not a half-filled page', async () => {
    await expect(apiAnswering({ id: 'acc_1', email: 42 }).account('acc_1')).rejects.toMatchObject({ code: 'not_regrant', message: `${SERVER} answered in a shape this extension does not know. Check the address, or update the extension.` });
  });
});
