import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Options, type OptionsDeps } from '../../extension/components/Options.tsx';
import { createApi } from '../../extension/utils/api.ts';
import { parseServerUrl, type Settings } from '../../extension/utils/settings.ts';
import { account, scriptedFetch, statusOf, type Reply } from './fixtures.ts';

afterEach(cleanup);

function setup(replies: Reply[], saved: Settings = { serverUrl: '', apiToken: '', pollSeconds: 60 }, signin: Partial<Pick<OptionsDeps, 'signIn' | 'me' | 'signOut'>> = {}) {
  const net = scriptedFetch(replies);
  const stored: Settings[] = [];
  const deps: OptionsDeps = {
    // Not signed in unless a test says otherwise: who a token belongs to is unknown.
    signIn: async () => {
      throw new Error('no sign-in in this test');
    },
    me: async () => {
      throw new Error('unknown');
    },
    signOut: async () => undefined,
    ...signin,
    load: async () => saved,
    save: async (s) => void stored.push(s),
    fetchStatus: async (s) => {
      const answer = await createApi({ ...s, fetch: net.fetch }).status();
      if (!answer.changed) throw new Error('304');
      return answer.status;
    },
    pollNow: async () => ({ source: 's', status: statusOf([account('a@acme.test', 'needs_reauth')]), etag: null, checkedAt: null, problem: null }),
  };
  render(<Options deps={deps} />);
  return { stored, requests: net.requests };
}

function fill(url: string, token: string) {
  fireEvent.input(screen.getByLabelText('Server URL'), { target: { value: url } });
  fireEvent.input(screen.getByLabelText('API token'), { target: { value: token } });
}

describe('the options page', () => {
  it('Test connection reports the mailboxes it found, with the typed settings', async () => {
    const { requests } = setup([{ status: 200, body: statusOf([account('a@acme.test', 'needs_reauth'), account('b@acme.test', 'connected')]) }]);
    fill('https://regrant.acme.test/', 'rg_tok');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await screen.findByText('Connected: 2 mailboxes, 1 needs re-authentication.');
    expect(requests[0]).toMatchObject({ url: 'https://regrant.acme.test/api/status', headers: { authorization: 'Bearer rg_tok' } });
  });

  it.each<[string, Reply, RegExp]>([
    ['server unreachable', new Error('refused'), /^Cannot reach https:\/\/regrant\.acme\.test\. Check the address/],
    ['not a Regrant server', { status: 200, body: '<html></html>', contentType: 'text/html' }, /is not a Regrant server|not like a Regrant server/],
    ['token rejected', { status: 401, body: { error: { code: 'unauthorized', message: 'unknown API token' } } }, /^The server rejected the API token/],
  ])('Test connection says clearly: %s', async (_, reply, message) => {
    setup([reply]);
    fill('https://regrant.acme.test', 'rg_tok');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await screen.findByText(message);
  });

  it('Save stores canonical settings and reports the first poll', async () => {
    const { stored } = setup([]);
    fill('  https://regrant.acme.test/  ', ' rg_tok ');
    fireEvent.change(screen.getByLabelText('Check every'), { target: { value: '300' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. Connected: 1 mailbox, 1 needs re-authentication.');
    expect(stored).toEqual([{ serverUrl: 'https://regrant.acme.test', apiToken: 'rg_tok', pollSeconds: 300 }]);
  });

  it('refuses to save an address that is not a web address, or an empty token', async () => {
    const { stored } = setup([]);
    fill('regrant.acme.test', 'rg_tok');
    expect(screen.getByRole('button', { name: 'Save' }).closest('form')!.noValidate).toBe(true); // our message, not the browser's bubble
    fireEvent.submit(screen.getByRole('button', { name: 'Save' }).closest('form')!);
    await screen.findByText(/is not a web address/);
    fill('https://regrant.acme.test', '   ');
    fireEvent.submit(screen.getByRole('button', { name: 'Save' }).closest('form')!);
    await screen.findByText('Press Sign in, or paste an API token under Advanced.');
    expect(stored).toEqual([]);
  });
});

describe('signing in from the options', () => {
  it('Sign in runs the sign-in window for the typed server, saves the token and says who is signed in', async () => {
    const asked: string[] = [];
    const { stored } = setup([], undefined, {
      signIn: async (url) => {
        asked.push(url);
        return 'rg_new';
      },
      me: async (_url, token) => {
        if (token !== 'rg_new') throw new Error('unknown');
        return { id: 'usr_1', email: 'bo@acme.test', name: 'Bo', role: 'member' };
      },
    });
    fireEvent.input(screen.getByLabelText('Server URL'), { target: { value: 'https://regrant.acme.test/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Signed in as bo@acme.test.');
    expect(asked).toEqual(['https://regrant.acme.test']);
    expect(stored).toEqual([{ serverUrl: 'https://regrant.acme.test', apiToken: 'rg_new', pollSeconds: 60 }]);
    expect(screen.getByText(/Signed in as bo@acme.test \(member\)\./)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('Sign out revokes the token on the server and forgets it', async () => {
    const revoked: string[] = [];
    const { stored } = setup([], { serverUrl: 'https://regrant.acme.test', apiToken: 'rg_old', pollSeconds: 60 }, {
      me: async () => ({ id: 'usr_1', email: 'ann@acme.test', name: null, role: 'admin' }),
      signOut: async (_url, token) => void revoked.push(token),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await screen.findByText('Signed out. The token no longer works.');
    expect(revoked).toEqual(['rg_old']);
    expect(stored.at(-1)).toEqual({ serverUrl: 'https://regrant.acme.test', apiToken: '', pollSeconds: 60 });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('Sign in needs a server URL first, and a closed window is said plainly', async () => {
    setup([], undefined, { signIn: async () => Promise.reject(new Error('Not signed in: The user did not approve access.')) });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Enter the server URL first, then press Sign in.');
    fireEvent.input(screen.getByLabelText('Server URL'), { target: { value: 'https://regrant.acme.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Not signed in: The user did not approve access.');
  });
});

describe('server addresses', () => {
  it.each([
    ['https://regrant.acme.test/', 'https://regrant.acme.test'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['https://acme.test/regrant/', 'https://acme.test/regrant'],
  ])('%s is used as %s', (input, url) => expect(parseServerUrl(input)).toEqual({ ok: true, url }));

  it('http:// is refused beyond this computer: the token would cross the network in clear', () => {
    expect(parseServerUrl('http://regrant.acme.lan:8787')).toEqual({ ok: false, message: expect.stringContaining('Use https://regrant.acme.lan:8787') });
    expect(parseServerUrl('http://127.0.0.1:8787').ok).toBe(true);
    expect(parseServerUrl('http://[::1]:8787').ok).toBe(true);
  });

  it.each(['', 'ftp://acme.test', 'https://acme.test/?x=1', 'not a url'])('%j is refused with a message', (input) => {
    const parsed = parseServerUrl(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message.length).toBeGreaterThan(10);
  });
});
