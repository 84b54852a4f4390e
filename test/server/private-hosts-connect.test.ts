/**
 * No probing of internal networks through mailbox settings (issue 16), at every connection:
 * a host is resolved once per connection, every address it has is judged, and the connection
 * goes to the judged address, with the host name kept for TLS. A name that resolved to a
 * public address when it was saved and resolves to 127.0.0.1 now is refused now. Names here
 * resolve through `tableLookup` (RegrantOptions.lookup), which a test rewrites between two
 * checks, standing in for a DNS answer that changed; no /etc/hosts is touched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent, AccountView, LoginTestResult } from '../../shared/api.ts';
import { createRegrant } from '../../server/regrant.ts';
import { silentLogger } from '../../server/log/index.ts';
import { TestBrowser } from '../support/browser.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { tableLookup } from '../support/hosts.ts';
import { connectThroughConsent, ORIGIN, startOAuthServers, type OAuthServers } from '../support/oauth-servers.ts';
import { approveHeld } from '../support/oauth-world.ts';
import { appClient, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const settings = (host: string, port: number, security = 'none', user = 'box@acme.test', password = 'pw') => ({ host, port, security, username: user, password });

/** A loopback server that runs `greet` on every connection, noting where it came from. */
async function startPeer(greet: (socket: net.Socket) => void, server: net.Server = net.createServer()) {
  const seen: string[] = [];
  server.on('connection', (s: net.Socket) => {
    seen.push(s.localAddress ?? '');
    s.on('error', () => {});
  });
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', greet);
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const json = async <T>(res: Promise<Response>) => (await (await res).json()) as T;
const events = async (client: Client, id: string) => (await json<{ events: AccountEvent[] }>(client.get(`/api/accounts/${id}/events`))).events;

describe('a name that resolved publicly when saved and resolves to 127.0.0.1 now (ALLOW_PRIVATE_HOSTS empty)', () => {
  const table: Record<string, string[]> = { 'mail.acme.test': ['93.184.216.34'] };
  let rg: TestRegrant;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  beforeAll(async () => {
    peer = await startPeer((s) => s.write('220 trap ESMTP\r\n'));
    rg = await startRegrant({ ALLOW_PRIVATE_HOSTS: '' }, { lookup: tableLookup(table) });
  });
  afterAll(async () => {
    await rg?.destroy();
    await peer?.close();
  });

  it('is refused at every connection: check, Test Sending, Test Receiving; nothing reaches the loopback port', async () => {
    const mia = await rg.user('mia@acme.test', 'member');
    const created = await mia.post('/api/accounts', { email: 'box@acme.test', smtp: settings('mail.acme.test', peer.port), imap: settings('mail.acme.test', peer.port) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as AccountView;

    table['mail.acme.test'] = ['127.0.0.1'];
    const checked = await json<AccountView>(mia.post(`/api/accounts/${id}/check`));
    // Someone must act (the setting, or the operator's ALLOW_PRIVATE_HOSTS): not a re-grant, not a silent retry.
    expect(checked.state).toBe('needs_reauth');
    expect(checked.reason).toMatchObject({ code: 'host_not_allowed', message: expect.stringMatching(/private or internal network/), hint: expect.stringMatching(/ALLOW_PRIVATE_HOSTS/) });
    const [event] = await events(mia, id);
    expect(event).toMatchObject({ to: 'needs_reauth', reason: { code: 'host_not_allowed' } });
    // Each side that failed says so on a line of its own, and says nothing else.
    for (const line of event.detail!.split('\n')) expect(line).toMatch(/^(smtp|imap): mail\.acme\.test resolves to a loopback address$/);

    for (const part of ['sending', 'receiving']) {
      const result = await json<LoginTestResult>(mia.post(`/api/accounts/${id}/test-${part}`));
      expect(result).toMatchObject({ ok: false, error: { code: 'host_not_allowed' } });
    }
    expect(peer.seen).toEqual([]);
  });
});

describe('with ALLOW_PRIVATE_HOSTS=127.0.0.0/8 and mail servers known by name', () => {
  const table: Record<string, string[]> = {};
  let rg: TestRegrant;
  let mia: Client;
  let imap: Dovecot;
  let smtp: TestSmtp;
  let certDir: string;
  beforeAll(async () => {
    imap = await startDovecot({ 'box@acme.test': 'pw' });
    smtp = await startSmtp({ 'box@acme.test': 'pw' });
    rg = await startRegrant({ ALLOW_PRIVATE_HOSTS: '127.0.0.0/8' }, { lookup: tableLookup(table) });
    mia = await rg.user('mia@acme.test', 'member');
    certDir = mkdtempSync(path.join(os.tmpdir(), 'regrant-cert-'));
  });
  afterAll(async () => {
    await rg?.destroy();
    await Promise.all([imap?.stop(), smtp?.stop()]);
    rmSync(certDir, { recursive: true, force: true });
  });

  it('connects to the address the name resolved to (only the injected resolver knows it), and refuses it once it moves to an unopened range', async () => {
    table['smtp.lan.test'] = ['127.0.0.1'];
    table['imap.lan.test'] = ['127.0.0.1'];
    const created = await mia.post('/api/accounts', { email: 'box@acme.test', smtp: settings('smtp.lan.test', smtp.port), imap: settings('imap.lan.test', imap.port) });
    const { id } = (await created.json()) as AccountView;
    expect((await json<AccountView>(mia.post(`/api/accounts/${id}/check`))).state).toBe('connected');
    expect(await json(mia.post(`/api/accounts/${id}/test-sending`))).toMatchObject({ ok: true });

    table['imap.lan.test'] = ['127.0.0.1', '10.9.8.7']; // every address is judged, not only the first
    const moved = await json<AccountView>(mia.post(`/api/accounts/${id}/check`));
    expect(moved.reason?.code).toBe('host_not_allowed');
    expect((await events(mia, id))[0].detail).toBe('imap: imap.lan.test resolves to a private address');

    table['imap.lan.test'] = ['127.0.0.1'];
    expect((await json<AccountView>(mia.post(`/api/accounts/${id}/check`))).state).toBe('connected');
  });

  it('TLS presents and checks the host name (SNI), while the connection goes to the judged address', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=mail.tls.test', '-addext', 'subjectAltName=DNS:mail.tls.test', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
    const names: string[] = [];
    const server = tls.createServer({ key: readFileSync(path.join(certDir, 'key.pem')), cert: readFileSync(path.join(certDir, 'cert.pem')), SNICallback: (name, done) => (names.push(name), done(null, undefined)) });
    const peer = await startPeer((s) => s.write('220 mail.tls.test ESMTP\r\n'), server);
    table['mail.tls.test'] = ['127.0.0.1'];
    const created = await mia.post('/api/accounts', { email: 'tls@acme.test', smtp: settings('mail.tls.test', peer.port, 'tls'), imap: settings('mail.tls.test', peer.port, 'tls') });
    const { id } = (await created.json()) as AccountView;
    const result = await json<LoginTestResult>(mia.post(`/api/accounts/${id}/test-sending`));
    // The certificate is self-signed, so the sign-in fails there, after the name was presented.
    expect(result).toMatchObject({ ok: false, error: { code: 'tls_failed' } });
    await json(mia.post(`/api/accounts/${id}/test-receiving`));
    expect(names).toEqual(['mail.tls.test', 'mail.tls.test']);
    expect(peer.seen).toEqual(['127.0.0.1', '127.0.0.1']);
    await peer.close();
  });

  it('an SSH server and a web server behind the settings are "not a mail server", and nothing they said is echoed', async () => {
    const ssh = await startPeer((s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
    const web = await startPeer((s) => s.end('HTTP/1.1 400 Bad Request\r\nServer: nginx (intranet)\r\nContent-Length: 0\r\n\r\n'));
    table['ssh.lan.test'] = ['127.0.0.1'];
    const created = await mia.post('/api/accounts', { email: 'probe@acme.test', smtp: settings('ssh.lan.test', ssh.port), imap: settings('127.0.0.1', web.port) });
    const { id } = (await created.json()) as AccountView;
    const sending = await json<LoginTestResult>(mia.post(`/api/accounts/${id}/test-sending`));
    expect(sending).toMatchObject({ ok: false, error: { code: 'not_a_mail_server', message: expect.stringMatching(/not a mail server/) } });
    const receiving = await json<LoginTestResult>(mia.post(`/api/accounts/${id}/test-receiving`));
    expect(receiving).toMatchObject({ ok: false, error: { code: 'not_a_mail_server' } });
    // Three failed checks in a row: unreachable, with the event's detail.
    let state = '';
    for (let i = 0; i < 3; i++) state = (await json<AccountView>(mia.post(`/api/accounts/${id}/check`))).state;
    expect(state).toBe('unreachable');
    const history = await events(mia, id);
    for (const line of history[0].detail!.split('\n')) expect(line).toMatch(/^(smtp: ssh\.lan\.test port \d+ answered, but not as an SMTP server|imap: 127\.0\.0\.1 port \d+ answered, but not as an IMAP server)$/);
    const everything = JSON.stringify([sending, receiving, history, await json(mia.get(`/api/accounts/${id}`))]);
    for (const word of ['SSH-2.0', 'OpenSSH', 'HTTP/1.1', 'nginx', 'intranet', 'Bad Request']) expect(everything).not.toContain(word);
    await Promise.all([ssh.close(), web.close()]);
  });
});

describe("Microsoft's IMAP and SMTP hosts are judged as well", () => {
  const OUTLOOK = 'mia@contoso.test';
  let servers: OAuthServers;
  let rg: TestRegrant;
  beforeAll(async () => {
    servers = await startOAuthServers([OUTLOOK], { origin: ORIGIN });
    rg = await startRegrant(servers.env);
  });
  afterAll(async () => {
    await rg?.destroy();
    await servers?.stop();
  });

  it('an operator who closes 127.0.0.0/8 sees the loopback MICROSOFT_IMAP_URL/SMTP_URL refused at the next check', async () => {
    const mia = await rg.user('mia@acme.test', 'member');
    const account = await connectThroughConsent(new TestBrowser(rg.app, ORIGIN), mia, servers, 'microsoft', OUTLOOK, () => approveHeld(rg));
    expect((await json<AccountView>(mia.post(`/api/accounts/${account.id}/check`))).state).toBe('connected');
    // The same database, restarted without ALLOW_PRIVATE_HOSTS.
    const closed = await createRegrant({ ...rg.config, allowPrivateHosts: [] }, { logger: silentLogger });
    try {
      const again = appClient(closed.app, mia.token);
      const checked = await json<AccountView>(again.post(`/api/accounts/${account.id}/check`));
      expect(checked).toMatchObject({ state: 'needs_reauth', reason: { code: 'host_not_allowed' } });
      for (const line of (await events(again, account.id))[0].detail!.split('\n')) expect(line).toMatch(/^(imap|smtp): 127\.0\.0\.1 is a loopback address$/);
    } finally {
      await closed.close();
    }
  });
});
