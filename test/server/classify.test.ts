/**
 * Every row of the classifier table, each provoked where possible by a real server through
 * the real client library: smtp-server + nodemailer, Dovecot or a scripted IMAP peer + imapflow.
 * OAuth rows use the providers' documented error bodies.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, matchRule, RULES, worst, type Failure } from '../../server/health/classify.ts';
import { CheckTimeoutError, GoogleApiError, OAuthRequestError } from '../../server/providers/errors.ts';
import { decide, type Standing } from '../../server/health/state.ts';
import { createHostGuard } from '../../server/net/index.ts';
import { verifyImap } from '../../server/providers/custom/imap.ts';
import { verifySmtp } from '../../server/providers/custom/smtp.ts';
import type { ServerSettings } from '../../server/providers/types.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { loopbackHosts } from '../support/hosts.ts';
import { freePort, startSilentServer } from '../support/ports.ts';
import { startScriptedImap } from '../support/scripted-imap.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const ctx = (timeoutMs = 3000) => ({ signal: new AbortController().signal, timeoutMs, hosts: loopbackHosts });
const settings = (port: number, username: string, password: string, security: ServerSettings['security'] = 'none'): ServerSettings => ({
  host: '127.0.0.1',
  port,
  security,
  username,
  password,
});

async function failureOf(source: Failure['source'], run: () => Promise<void>): Promise<Failure> {
  try {
    await run();
  } catch (error) {
    return { source, error };
  }
  throw new Error('expected the login to fail');
}

const hit = new Set<number>();
function expectVerdict(failure: Failure, verdict: string, code: string) {
  const c = classify(failure);
  expect({ verdict: c.verdict, code: c.code }, c.detail).toEqual({ verdict, code });
  expect(c.message.length).toBeGreaterThan(10);
  expect(c.hint.length).toBeGreaterThan(10);
  hit.add(matchRule(failure));
  return c;
}

let smtp: TestSmtp;
let dovecot: Dovecot;
beforeAll(async () => {
  smtp = await startSmtp({ 'ok@acme.test': 'right' });
  dovecot = await startDovecot({ 'ann@acme.test': 'right' });
});
afterAll(async () => {
  await smtp?.stop();
  await dovecot?.stop();
});

describe('SMTP refusals, verbatim from smtp-server through nodemailer', () => {
  const cases: [number, string, string, string][] = [
    [535, '5.7.8 Username and Password not accepted', 'needs_reauth', 'smtp_auth_failed'],
    [535, '5.7.3 Authentication unsuccessful', 'needs_reauth', 'smtp_auth_failed'],
    [534, '5.7.9 Application-specific password required', 'needs_reauth', 'app_password_required'],
    [534, '5.7.14 <https://accounts.google.com/signin/continue> Please log in via your web browser and then try again', 'needs_reauth', 'web_login_required'],
    [454, '4.7.0 Too many login attempts, please try again later', 'transient', 'smtp_temporary_failure'],
    [535, '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant', 'admin_action', 'smtp_auth_disabled'],
    [550, '5.7.30 Basic authentication is not supported for Client Submission', 'admin_action', 'basic_auth_retired'],
  ];
  for (const [code, text, verdict, expected] of cases) {
    it(`${code} ${text.slice(0, 40)}… is ${verdict}`, async () => {
      const user = `u${code}${text.slice(0, 6).replace(/\W/g, '')}@acme.test`;
      smtp.answer(user, code, text);
      const failure = await failureOf('smtp', () => verifySmtp(settings(smtp.port, user, 'whatever'), ctx()));
      expectVerdict(failure, verdict, expected);
    });
  }

  it('a wrong password against the real server is needs_reauth', async () => {
    const failure = await failureOf('smtp', () => verifySmtp(settings(smtp.port, 'ok@acme.test', 'wrong'), ctx()));
    expectVerdict(failure, 'needs_reauth', 'smtp_auth_failed');
  });

  it('the right password passes', async () => {
    await expect(verifySmtp(settings(smtp.port, 'ok@acme.test', 'right'), ctx())).resolves.toBeUndefined();
  });

  it('a 5.7.x policy refusal at the greeting is admin_action, not a re-auth', async () => {
    const greeting = await startRawServer('554 5.7.1 Client host rejected: access denied\r\n');
    const failure = await failureOf('smtp', () => verifySmtp(settings(greeting.port, 'x@acme.test', 'x'), ctx()));
    expectVerdict(failure, 'admin_action', 'smtp_refused');
    await greeting.close();
  });

  it('a 5xx greeting that is not policy ("too many connections") is transient', async () => {
    const greeting = await startRawServer('554 Too many connections from your IP\r\n');
    const failure = await failureOf('smtp', () => verifySmtp(settings(greeting.port, 'x@acme.test', 'x'), ctx()));
    expect(classify(failure).verdict).toBe('transient');
    await greeting.close();
  });

  it('a refused port is transient', async () => {
    const port = await freePort();
    const failure = await failureOf('smtp', () => verifySmtp(settings(port, 'x@acme.test', 'x'), ctx()));
    expectVerdict(failure, 'transient', 'connection_refused');
  });

  it('a server that accepts and never greets times out: transient', async () => {
    const silent = await startSilentServer();
    const failure = await failureOf('smtp', () => verifySmtp(settings(silent.port, 'x@acme.test', 'x'), ctx(500)));
    expectVerdict(failure, 'transient', 'timeout');
    await silent.close();
  });

  it('TLS spoken to a plain-text server is transient tls trouble', async () => {
    const failure = await failureOf('smtp', () => verifySmtp(settings(smtp.port, 'ok@acme.test', 'right', 'tls'), ctx()));
    expectVerdict(failure, 'transient', 'tls_failed');
  });
});

describe('IMAP refusals through imapflow', () => {
  it('a wrong password at Dovecot is AUTHENTICATIONFAILED: needs_reauth', async () => {
    const failure = await failureOf('imap', () => verifyImap(settings(dovecot.port, 'ann@acme.test', 'wrong'), ctx()));
    expectVerdict(failure, 'needs_reauth', 'imap_auth_failed');
  });

  it('the right password at Dovecot passes', async () => {
    await expect(verifyImap(settings(dovecot.port, 'ann@acme.test', 'right'), ctx())).resolves.toBeUndefined();
  });

  const scripted: [string, string, string][] = [
    ['NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)', 'needs_reauth', 'app_password_required'],
    ['NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)', 'needs_reauth', 'web_login_required'],
    ['NO [UNAVAILABLE] Temporary authentication failure', 'transient', 'server_unavailable'],
    ['NO [LIMIT] Too many simultaneous connections', 'transient', 'throttled'],
    ['NO [EXPIRED] Password expired', 'needs_reauth', 'password_expired'],
    ['NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)', 'admin_action', 'imap_access_off'],
    ['NO [ALERT] Please enable "Less secure app access" in your account settings', 'admin_action', 'account_setting_required'],
    ['NO [ALERT] Server shutting down for maintenance', 'transient', 'imap_refused'],
    ['NO [CONTACTADMIN] Account locked, contact your administrator', 'admin_action', 'imap_admin_required'],
    ['NO LOGIN failed.', 'needs_reauth', 'imap_auth_failed'],
    ['NO AUTHENTICATE failed.', 'needs_reauth', 'imap_auth_failed'],
    ['NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required.', 'needs_reauth', 'web_login_required'],
    ['NO Server busy, try again later', 'transient', 'imap_refused'],
    ['NO Too many login attempts', 'transient', 'imap_refused'],
    ['BAD Command line too long', 'transient', 'imap_refused'],
  ];
  for (const [answer, verdict, code] of scripted) {
    it(`"${answer.slice(0, 45)}…" is ${verdict}`, async () => {
      const server = await startScriptedImap(answer);
      const failure = await failureOf('imap', () => verifyImap(settings(server.port, 'ann@acme.test', 'pw'), ctx()));
      expectVerdict(failure, verdict, code);
      await server.close();
    });
  }

  it('throttling (ETHROTTLE) is transient', () => {
    expectVerdict({ source: 'imap', error: Object.assign(new Error('Throttling failure'), { code: 'ETHROTTLE' }) }, 'transient', 'throttled');
  });

  it('a server that never greets is a transient timeout', async () => {
    const silent = await startSilentServer();
    const failure = await failureOf('imap', () => verifyImap(settings(silent.port, 'ann@acme.test', 'x'), ctx(500)));
    expectVerdict(failure, 'transient', 'timeout');
    await silent.close();
  });

  it('a refused port is transient', async () => {
    const port = await freePort();
    const failure = await failureOf('imap', () => verifyImap(settings(port, 'ann@acme.test', 'x'), ctx()));
    expectVerdict(failure, 'transient', 'connection_refused');
  });

  it('a connection cut during the greeting is transient', async () => {
    const cut = await startRawServer('', true);
    const failure = await failureOf('imap', () => verifyImap(settings(cut.port, 'ann@acme.test', 'x'), ctx()));
    expectVerdict(failure, 'transient', 'network_error');
    await cut.close();
  });
});

describe('network and check failures', () => {
  it('DNS failures and our own check timeout are transient', () => {
    expectVerdict({ source: 'smtp', error: Object.assign(new Error('getaddrinfo ENOTFOUND mail.nowhere.test'), { code: 'EDNS' }) }, 'transient', 'dns_failed');
    expectVerdict({ source: 'check', error: new CheckTimeoutError(30) }, 'transient', 'timeout');
  });

  it('a request cut off by its own time limit (AbortSignal.timeout) is a timeout, before the answer or in the middle of its body', async () => {
    const stalled = await startSilentServer();
    const half = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"access_tok'));
    await new Promise<void>((r) => half.listen(0, '127.0.0.1', r));
    try {
      // The platform's own TimeoutError, taken once it has fired: no race with the requests below.
      const expired = AbortSignal.timeout(1);
      await new Promise((r) => expired.addEventListener('abort', r, { once: true }));
      const beforeAnswer = await fetch(`http://127.0.0.1:${stalled.port}/token`, { method: 'POST', signal: expired }).catch((e: unknown) => e);
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${(half.address() as AddressInfo).port}/token`, { method: 'POST', signal: controller.signal });
      const reading = response.text();
      controller.abort(expired.reason);
      const midBody = await reading.catch((e: unknown) => e);
      for (const error of [beforeAnswer, midBody, expired.reason]) {
        expect(error).toMatchObject({ name: 'TimeoutError' });
        for (const source of ['microsoft_token', 'google_token', 'gmail_api', 'imap', 'check'] as const) expectVerdict({ source, error }, 'transient', 'timeout');
      }
      expectVerdict({ source: 'microsoft_token', error: new TypeError('fetch failed', { cause: expired.reason }) }, 'transient', 'timeout');
    } finally {
      await stalled.close();
      half.closeAllConnections();
      await new Promise((r) => half.close(r));
    }
  });

  it('anything unknown is transient, never a re-auth', () => {
    const c = classify({ source: 'smtp', error: new Error('something odd') });
    expect(c.verdict).toBe('transient');
    expect(c.code).toBe('unknown_error');
  });
});

describe('OAuth providers, by their documented error bodies', () => {
  const google = (status: number, body: unknown) => ({ source: 'google_token' as const, error: new OAuthRequestError(status, body) });
  const gmail = (status: number, reason: string) => ({
    source: 'gmail_api' as const,
    error: new GoogleApiError(status, { error: { code: status, message: reason, errors: [{ reason, domain: 'global' }], status: 'X' } }),
  });
  const microsoft = (status: number, error: string, codes: number[]) => ({
    source: 'microsoft_token' as const,
    error: new OAuthRequestError(status, { error, error_description: `AADSTS${codes[0]}: …`, error_codes: codes }),
  });

  it('Google token endpoint', () => {
    expectVerdict(google(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), 'needs_reauth', 'grant_revoked');
    expectVerdict(google(400, { error: 'invalid_grant', error_description: 'reauth related error (invalid_rapt)', error_subtype: 'invalid_rapt' }), 'admin_action', 'reauth_policy');
    expectVerdict(google(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }), 'admin_action', 'oauth_client_invalid');
    expectVerdict(google(400, { error: 'admin_policy_enforced' }), 'admin_action', 'admin_policy_enforced');
    expectVerdict(google(429, { error: 'rate_limit_exceeded' }), 'transient', 'rate_limited');
    expectVerdict(google(503, 'Service Unavailable'), 'transient', 'provider_unavailable');
  });

  it('Gmail API', () => {
    expectVerdict(gmail(401, 'authError'), 'needs_reauth', 'token_rejected');
    expectVerdict(gmail(403, 'insufficientPermissions'), 'needs_reauth', 'scopes_missing');
    expectVerdict(
      { source: 'gmail_api', error: new GoogleApiError(403, { error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }] } }) },
      'needs_reauth',
      'scopes_missing',
    );
    expectVerdict(gmail(403, 'domainPolicy'), 'admin_action', 'domain_policy');
    expectVerdict(gmail(403, 'accessNotConfigured'), 'admin_action', 'gmail_api_disabled');
    expectVerdict(
      { source: 'gmail_api', error: new GoogleApiError(403, { error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason: 'SERVICE_DISABLED' }] } }) },
      'admin_action',
      'gmail_api_disabled',
    );
    expectVerdict(gmail(403, 'userRateLimitExceeded'), 'transient', 'rate_limited');
    expectVerdict(gmail(500, 'backendError'), 'transient', 'provider_unavailable');
  });

  it('Microsoft token endpoint, every AADSTS code of the design', () => {
    for (const code of [50173, 700082, 70008, 50076, 50079, 65001, 65004, 50126, 50053, 50055, 50057, 53003, 70000]) {
      expectVerdict(microsoft(400, 'invalid_grant', [code]), 'needs_reauth', 'grant_revoked');
    }
    expectVerdict(microsoft(400, 'interaction_required', []), 'needs_reauth', 'grant_revoked');
    for (const code of [7000215, 7000222]) expectVerdict(microsoft(400, 'invalid_client', [code]), 'admin_action', 'oauth_secret_rejected');
    expectVerdict(microsoft(400, 'invalid_grant', [90094]), 'admin_action', 'admin_consent_required');
    for (const code of [700016, 50011, 70011]) {
      expectVerdict(microsoft(400, 'invalid_client', [code]), 'admin_action', 'oauth_app_misconfigured');
    }
    for (const code of [90055, 50196]) expectVerdict(microsoft(400, 'invalid_request', [code]), 'transient', 'provider_unavailable');
    expectVerdict(microsoft(503, 'temporarily_unavailable', []), 'transient', 'provider_unavailable');
    expectVerdict(microsoft(429, 'too_many_requests', []), 'transient', 'rate_limited');
    expectVerdict({ source: 'microsoft_token', error: new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }) }, 'transient', 'network_error');
  });
});

describe('hosts Regrant refuses, and peers that are not mail servers', () => {
  const closed = { signal: new AbortController().signal, timeoutMs: 3000, hosts: createHostGuard({ allowed: [] }) };

  it('a host on loopback, with ALLOW_PRIVATE_HOSTS empty, is refused before any connection: admin_action', async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    for (const [source, run] of [['smtp', () => verifySmtp(settings(port, 'x@acme.test', 'x'), closed)], ['imap', () => verifyImap(settings(port, 'x@acme.test', 'x'), closed)]] as const) {
      const c = expectVerdict(await failureOf(source, run), 'admin_action', 'host_not_allowed');
      expect(c.detail).toBe(`${source}: 127.0.0.1 is a loopback address`);
      expect(c.hint).toMatch(/ALLOW_PRIVATE_HOSTS/);
    }
    expect(connections).toBe(0);
    await new Promise<void>((r) => server.close(() => r()));
  });

  const strangers: [string, string][] = [
    ['an SSH server', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'],
    ['a web server', 'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1 (internal-admin)\r\nContent-Type: text/html\r\n\r\n<title>Intranet</title>\r\n'],
    ['Redis', '-ERR unknown command \'EHLO\', with args beginning with: \r\n'],
  ];
  for (const [who, banner] of strangers) {
    for (const source of ['smtp', 'imap'] as const) {
      it(`${who} behind ${source.toUpperCase()} settings is "not a mail server", and nothing it said is quoted`, async () => {
        const peer = await startRawServer(banner);
        const verify = source === 'smtp' ? verifySmtp : verifyImap;
        const c = expectVerdict(await failureOf(source, () => verify(settings(peer.port, 'x@acme.test', 'x'), ctx(800))), 'transient', 'not_a_mail_server');
        expect(c.detail).toBe(`${source}: 127.0.0.1 port ${peer.port} answered, but not as an ${source.toUpperCase()} server`);
        for (const word of ['SSH', 'OpenSSH', 'HTTP', 'nginx', 'Intranet', 'ERR', 'EHLO']) expect(c.detail).not.toContain(word);
        await peer.close();
      });
    }
  }

  it('an SMTP greeting followed by a web page is "not a mail server" too', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => {});
      s.write('220 mail.acme.test ESMTP\r\n');
      s.on('data', () => s.write('HTTP/1.1 200 OK internal dashboard\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const c = classify(await failureOf('smtp', () => verifySmtp(settings(port, 'x@acme.test', 'x'), ctx())));
    expect(c.code).toBe('not_a_mail_server');
    expect(c.detail).not.toMatch(/dashboard/);
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('the table as a whole', () => {
  it('of two definitive failures, the one that must not be re-tried wins', () => {
    const web = classify({ source: 'smtp', error: Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 534, response: '534 5.7.14 Please log in via your web browser' }) });
    const dead = classify({ source: 'imap', error: Object.assign(new Error('x'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', response: 'NO [AUTHENTICATIONFAILED] Authentication failed.' }) });
    expect(worst([web, dead])?.retry).toBe('never');
    expect(worst([dead, web])?.retry).toBe('never');
  });

  it('a refused XOAUTH2 login (Office 365 "NO AUTHENTICATE failed.") asks for a re-grant, not a password', () => {
    const refused = { source: 'imap' as const, oauth: true, error: Object.assign(new Error('Command failed'), { authenticationFailed: true, response: 'NO AUTHENTICATE failed.' }) };
    const c = classify(refused);
    expect({ verdict: c.verdict, code: c.code, retry: c.retry }).toEqual({ verdict: 'needs_reauth', code: 'xoauth2_rejected', retry: 'never' });
    expect(c.hint).toMatch(/Re-grant access/);
    const smtp = classify({ source: 'smtp', oauth: true, error: Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535, response: '535 5.7.3 Authentication unsuccessful' }) });
    expect(smtp.code).toBe('xoauth2_rejected');
    const disabled = classify({ source: 'smtp', oauth: true, error: Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535, response: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' }) });
    expect(disabled.code).toBe('smtp_auth_disabled'); // an admin's switch stays an admin's switch
  });

  it('every rule was reached by a case above', () => {
    const missed = RULES.map((r, i) => (hit.has(i) ? null : `${i}: ${r.sources.join('/')} ${r.code}`)).filter(Boolean);
    expect(missed).toEqual([]);
  });

  it('no transient verdict ever puts an account in needs_reauth, however often it repeats', () => {
    const transient = classify({ source: 'smtp', error: Object.assign(new Error('x'), { responseCode: 454, code: 'EAUTH', response: '454 4.7.0 later' }) });
    for (const start of ['new', 'connected', 'unreachable'] as const) {
      let standing: Standing = { state: start, transient_failures: 0, slow_retries: 0, next_check_at: null };
      for (let i = 0; i < 20; i++) {
        const d = decide(standing, transient, new Date(), { intervalSeconds: 300 });
        expect(d.state).not.toBe('needs_reauth');
        expect(d.opensIncident).toBe(false);
        standing = { ...standing, state: d.state, transient_failures: d.transient_failures, next_check_at: d.next_check_at };
      }
      expect(standing.state).toBe('unreachable');
    }
  });
});

import net, { type AddressInfo } from 'node:net';
/** A server that writes `greeting` (or cuts the connection at once) to every client. */
async function startRawServer(greeting: string, cut = false) {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    if (cut) s.destroy();
    else s.write(greeting);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
