/**
 * The shared refresh of a Microsoft mailbox has its own time limit. A check that joins a
 * refresh another caller started (the previous check, a send, a scan) gets that refresh's
 * timeout, a DOMException TimeoutError, before its own deadline aborts it: it must still be
 * judged a timeout. (Under load the health checks hit this by chance; here it is forced.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../health/classify.ts';
import { startSilentServer } from '../../../test/support/ports.ts';
import { loopbackHosts } from '../../../test/support/hosts.ts';
import type { MailboxCredentials } from '../types.ts';
import { microsoftProvider } from './index.ts';

let login: Awaited<ReturnType<typeof startSilentServer>>;
beforeAll(async () => {
  login = await startSilentServer();
});
afterAll(() => login?.close());

const mailbox: MailboxCredentials = { id: 'acc-1', email: 'mia@contoso.test', provider: 'microsoft', smtp: null, imap: null, refreshToken: 'refresh-1' };

describe('a check that joins a refresh in flight', () => {
  it('is judged a timeout when the shared refresh runs out of time, though its own deadline has not come', async () => {
    const provider = microsoftProvider(
      { clientId: 'id', clientSecret: 'secret', tenant: 'common', loginUrl: `http://127.0.0.1:${login.port}`, imapUrl: 'imap://127.0.0.1:1', smtpUrl: 'smtp://127.0.0.1:1' },
      loopbackHosts,
    );
    const first = provider.check(mailbox, { signal: new AbortController().signal, timeoutMs: 50 });
    const own = new AbortController(); // never aborted: this check's deadline is far away
    const joined = provider.check(mailbox, { signal: own.signal, timeoutMs: 60_000 });
    const results = await Promise.all([first, joined]);
    expect(own.signal.aborted).toBe(false);
    for (const result of results) {
      expect(result.ok).toBe(false);
      const failures = result.ok ? [] : result.failures;
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ source: 'microsoft_token', error: { name: 'TimeoutError' } });
      expect(classify(failures[0])).toMatchObject({ verdict: 'transient', code: 'timeout' });
    }
  });
});
