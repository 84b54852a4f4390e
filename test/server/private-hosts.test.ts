/**
 * No probing of internal networks through mailbox settings (issue 16), when settings are saved:
 * with ALLOW_PRIVATE_HOSTS empty, as it is by default, a mailbox whose SMTP or IMAP host is,
 * or resolves to, a loopback, private, link-local, CGNAT, unique-local, multicast,
 * unspecified, broadcast or reserved address is refused with a 422 naming the setting, by the
 * API and by a CSV import alike, and nothing is saved. Opening 127.0.0.0/8 lets a mail server
 * on loopback in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ImportUpload, ImportView } from '../../shared/api.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { customMailbox, eventually, startRegrant, type Client, type TestRegrant } from '../support/regrant.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

/** Somewhere public, never contacted: no check runs in these tests. */
const PUBLIC = '93.184.216.34';
const settings = (host: string, user = 'mia@acme.test') => ({ host, port: 587, security: 'starttls', username: user, password: 'pw' });
const mailbox = (email: string, smtpHost: string, imapHost: string) => ({ email, smtp: settings(smtpHost, email), imap: settings(imapHost, email) });

const REFUSED: [host: string, kind: string][] = [
  ['127.0.0.1', 'is a loopback'],
  ['127.42.0.9', 'is a loopback'],
  ['localhost', 'resolves to a loopback'],
  ['2130706433', 'resolves to a loopback'],
  ['0x7f.1', 'resolves to a loopback'],
  ['127.1', 'resolves to a loopback'],
  ['0177.0.0.1', 'resolves to a loopback'],
  ['::1', 'is a loopback'],
  ['::ffff:127.0.0.1', 'is a loopback'],
  ['10.1.2.3', 'is a private'],
  ['172.16.0.9', 'is a private'],
  ['192.168.1.20', 'is a private'],
  ['::ffff:192.168.1.20', 'is a private'],
  ['169.254.169.254', 'is a link-local'],
  ['fe80::1', 'is a link-local'],
  ['100.64.0.7', 'is a carrier-grade NAT'],
  ['fd00::25', 'is a unique-local'],
  ['224.0.0.251', 'is a multicast'],
  ['ff02::1', 'is a multicast'],
  ['0.0.0.0', 'is an unspecified'],
  ['::', 'is an unspecified'],
  ['255.255.255.255', 'is a broadcast'],
  ['192.0.2.25', 'is a reserved'],
  ['240.0.0.1', 'is a reserved'],
  ['2001:db8::1', 'is a reserved'],
];

describe('with ALLOW_PRIVATE_HOSTS empty', () => {
  let rg: TestRegrant;
  let mia: Client;
  beforeAll(async () => {
    rg = await startRegrant({ ALLOW_PRIVATE_HOSTS: '' });
    mia = await rg.user('mia@acme.test', 'member');
  });
  afterAll(() => rg?.destroy());

  for (const part of ['smtp', 'imap'] as const) {
    it.each(REFUSED)(`POST /api/accounts with ${part}.host %s answers 422 naming ${part}.host (%s address)`, async (host, words) => {
      const email = `${part}-${host.replace(/\W/g, '')}@acme.test`;
      const body = part === 'smtp' ? mailbox(email, host, PUBLIC) : mailbox(email, PUBLIC, host);
      const res = await mia.post('/api/accounts', body);
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string; field: string } };
      expect(error).toMatchObject({ code: 'invalid_input', field: `${part}.host` });
      expect(error.message).toMatch(new RegExp(`^${part}\\.host: \\S+ ${words} address\\. .*ALLOW_PRIVATE_HOSTS`));
    });
  }

  it('nothing of a refused mailbox is saved', async () => {
    expect(await (await mia.get('/api/accounts')).json()).toEqual({ accounts: [] });
  });

  it('PATCH to an internal host is refused the same way and changes nothing', async () => {
    const created = await mia.post('/api/accounts', mailbox('patch@acme.test', PUBLIC, PUBLIC));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as AccountView;
    for (const [part, host] of [['smtp', '169.254.169.254'], ['imap', 'localhost']] as const) {
      const res = await mia.patch(`/api/accounts/${id}`, { [part]: { host, password: 'pw' } });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_input', field: `${part}.host`, message: expect.stringMatching(new RegExp(`^${part}\\.host: ${host} `)) } });
    }
    const after = (await (await mia.get(`/api/accounts/${id}`)).json()) as AccountView;
    expect([after.smtp?.host, after.imap?.host]).toEqual([PUBLIC, PUBLIC]);
    // A public host passes the guard and goes on to the sign-in test (nothing answers there: refused, as any failing sign-in).
    const publicHost = await mia.patch(`/api/accounts/${id}`, { smtp: { host: '8.8.8.8', password: 'pw' } });
    expect(((await publicHost.json()) as { error: { code: string } }).error.code).toBe('signin_failed');
  });

  it('a CSV import fails the row of an internal host with the same message, and imports the rest', async () => {
    const header = 'Email,SMTP Server,SMTP Port,SMTP Security,SMTP User,SMTP Password,IMAP Server,IMAP Port,IMAP Security,IMAP User,IMAP Password';
    const line = (email: string, smtpHost: string, imapHost: string) => [email, smtpHost, '587', 'starttls', email, 'pw', imapHost, '993', 'tls', email, 'pw'].join(',');
    const file = [header, line('meta@acme.test', '169.254.169.254', PUBLIC), line('lan@acme.test', PUBLIC, '10.0.0.5'), line('own@acme.test', 'localhost', PUBLIC)].join('\r\n');
    const expected = new Map<string, string>();
    for (const [email, smtpHost, imapHost] of [['meta@acme.test', '169.254.169.254', PUBLIC], ['lan@acme.test', PUBLIC, '10.0.0.5'], ['own@acme.test', 'localhost', PUBLIC]]) {
      const res = await mia.post('/api/accounts', mailbox(email, smtpHost, imapHost));
      expected.set(email, ((await res.json()) as { error: { message: string } }).error.message);
    }
    const up = (await (await mia.request('POST', '/api/imports', file, { 'content-type': 'text/csv' })).json()) as ImportUpload;
    expect((await mia.post(`/api/imports/${up.id}/run`, { mapping: up.suggestedMapping, updateExisting: false })).status).toBe(202);
    const view = await eventually(async () => {
      const v = (await (await mia.get(`/api/imports/${up.id}`)).json()) as ImportView;
      return v.state === 'finished' && v;
    }, 20_000);
    expect(view.rows.map((r) => [r.email, r.status, r.error?.message])).toEqual([
      ['meta@acme.test', 'failed', expected.get('meta@acme.test')],
      ['lan@acme.test', 'failed', expected.get('lan@acme.test')],
      ['own@acme.test', 'failed', expected.get('own@acme.test')],
    ]);
    expect(expected.get('lan@acme.test')).toMatch(/^imap\.host: 10\.0\.0\.5 is a private address/);
  });
});

describe('with ALLOW_PRIVATE_HOSTS=127.0.0.0/8', () => {
  let rg: TestRegrant;
  let imap: Dovecot;
  let smtp: TestSmtp;
  beforeAll(async () => {
    imap = await startDovecot({ 'lan@acme.test': 'pw' });
    smtp = await startSmtp({ 'lan@acme.test': 'pw' });
    rg = await startRegrant({ ALLOW_PRIVATE_HOSTS: '127.0.0.0/8' });
  });
  afterAll(async () => {
    await rg?.destroy();
    await Promise.all([imap?.stop(), smtp?.stop()]);
  });

  it('a mail server on loopback is saved, checked and connected; other internal ranges stay closed', async () => {
    const mia = await rg.user('mia@acme.test', 'member');
    const created = await mia.post('/api/accounts', customMailbox('lan@acme.test', smtp, imap, 'pw'));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as AccountView;
    expect(((await (await mia.post(`/api/accounts/${id}/check`)).json()) as AccountView).state).toBe('connected');
    expect(await (await mia.post(`/api/accounts/${id}/test-sending`)).json()).toMatchObject({ ok: true });
    const closed = await mia.post('/api/accounts', mailbox('office@acme.test', '192.168.1.20', PUBLIC));
    expect(closed.status).toBe(422);
    expect((await mia.post('/api/accounts', mailbox('v6@acme.test', '::1', PUBLIC))).status).toBe(422);
  });
});
