import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { tableLookup } from '../../test/support/hosts.ts';
import { createHostGuard, HostNotAllowedError, parseAllowedRanges } from './index.ts';

const refusedBy = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error);

describe('assertMailHost (when settings are saved)', () => {
  const hosts = createHostGuard({ allowed: [] });

  it.each([
    ['127.0.0.1', 'is a loopback'],
    ['localhost', 'resolves to a loopback'],
    ['2130706433', 'resolves to a loopback'],
    ['0x7f.1', 'resolves to a loopback'],
    ['127.1', 'resolves to a loopback'],
    ['0177.0.0.1', 'resolves to a loopback'],
    ['::ffff:127.0.0.1', 'is a loopback'],
    ['[::1]', 'is a loopback'],
    ['10.0.0.8', 'is a private'],
    ['169.254.169.254', 'is a link-local'],
    ['100.64.0.1', 'is a carrier-grade NAT'],
    ['fd00::1', 'is a unique-local'],
    ['224.0.0.251', 'is a multicast'],
    ['0.0.0.0', 'is an unspecified'],
    ['255.255.255.255', 'is a broadcast'],
    ['192.0.2.1', 'is a reserved'],
  ])('refuses %s with a 422 that names the setting', async (host, words) => {
    const error = await refusedBy(hosts.assertMailHost('smtp.host', host));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'smtp.host' });
    expect((error as Error).message).toMatch(`smtp.host: ${host} ${words} address.`);
    expect((error as Error).message).toMatch(/ALLOW_PRIVATE_HOSTS/);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const mixed = createHostGuard({ allowed: [], lookup: tableLookup({ 'mail.acme.test': ['93.184.216.34', '10.0.0.5'] }) });
    const error = await refusedBy(mixed.assertMailHost('imap.host', 'mail.acme.test'));
    expect((error as Error).message).toMatch(/^imap\.host: mail\.acme\.test resolves to a private address\./);
    // The address itself is not echoed: a member learns nothing of the internal network's plan.
    expect((error as Error).message).not.toMatch(/10\.0\.0\.5/);
  });

  it('odd spellings are refused even where the resolver would not read them', async () => {
    const blind = createHostGuard({ allowed: [], lookup: tableLookup({}) });
    for (const host of ['2130706433', '0x7f.1', '127.1', '0x7f000001']) {
      expect(await refusedBy(blind.assertMailHost('smtp.host', host))).toMatchObject({ field: 'smtp.host' });
    }
  });

  it('allows public addresses, names that resolve to them, and names that do not resolve yet', async () => {
    const guard = createHostGuard({ allowed: [], lookup: tableLookup({ 'smtp.acme.test': ['93.184.216.34', '2606:2800:220:1::1'] }) });
    await expect(guard.assertMailHost('smtp.host', 'smtp.acme.test')).resolves.toBeUndefined();
    await expect(guard.assertMailHost('smtp.host', '8.8.8.8')).resolves.toBeUndefined();
    await expect(guard.assertMailHost('smtp.host', 'nowhere.acme.test')).resolves.toBeUndefined();
  });

  it('ALLOW_PRIVATE_HOSTS opens exactly its ranges', async () => {
    const guard = createHostGuard({ allowed: parseAllowedRanges('127.0.0.0/8'), lookup: tableLookup({ 'mail.lan.test': ['127.0.0.1'], 'dual.lan.test': ['127.0.0.1', '::1'] }) });
    await expect(guard.assertMailHost('smtp.host', '127.0.0.1')).resolves.toBeUndefined();
    await expect(guard.assertMailHost('smtp.host', 'mail.lan.test')).resolves.toBeUndefined();
    await expect(guard.assertMailHost('smtp.host', '127.1')).resolves.toBeUndefined();
    expect(await refusedBy(guard.assertMailHost('smtp.host', 'dual.lan.test'))).toMatchObject({ message: expect.stringMatching(/resolves to a loopback address/) });
    expect(await refusedBy(guard.assertMailHost('smtp.host', '10.0.0.1'))).toBeInstanceOf(DomainError);
  });
});

describe('addressFor (every connection)', () => {
  it('answers the one address to connect to, judged with every other the name has', async () => {
    const table = { 'mail.acme.test': ['93.184.216.34', '93.184.216.35'] };
    const guard = createHostGuard({ allowed: [], lookup: tableLookup(table) });
    expect(await guard.addressFor('mail.acme.test')).toBe('93.184.216.34');
    expect(await guard.addressFor('8.8.4.4')).toBe('8.8.4.4');
    expect(await guard.addressFor('[2606:4700::1111]')).toBe('2606:4700::1111');
  });

  it('a name that resolved publicly yesterday and to 127.0.0.1 today is refused today', async () => {
    const table: Record<string, string[]> = { 'mail.acme.test': ['93.184.216.34'] };
    const guard = createHostGuard({ allowed: [], lookup: tableLookup(table) });
    await expect(guard.assertMailHost('smtp.host', 'mail.acme.test')).resolves.toBeUndefined();
    table['mail.acme.test'] = ['127.0.0.1'];
    const error = await refusedBy(guard.addressFor('mail.acme.test'));
    expect(error).toBeInstanceOf(HostNotAllowedError);
    expect(error).toMatchObject({ code: 'HOST_NOT_ALLOWED', host: 'mail.acme.test', kind: 'loopback', message: 'mail.acme.test resolves to a loopback address' });
  });

  it('asks the resolver at every connection; connections at the same moment share one answer', async () => {
    const table: Record<string, string[]> = { 'mail.acme.test': ['93.184.216.34'] };
    let lookups = 0;
    const counted = tableLookup(table);
    const guard = createHostGuard({ allowed: [], lookup: (host) => (lookups++, counted(host)) });
    expect(await Promise.all(Array.from({ length: 50 }, () => guard.addressFor('mail.acme.test')))).toEqual(Array(50).fill('93.184.216.34'));
    expect(lookups).toBe(1);
    table['mail.acme.test'] = ['93.184.216.35'];
    expect(await guard.addressFor('mail.acme.test')).toBe('93.184.216.35');
    expect(lookups).toBe(2);
  });

  it('saves reuse an answer for a while (an import names the same hosts thousands of times); connections do not', async () => {
    const table: Record<string, string[]> = { 'mail.acme.test': ['93.184.216.34'] };
    let lookups = 0;
    const counted = tableLookup(table);
    const guard = createHostGuard({ allowed: [], lookup: (host) => (lookups++, counted(host)) });
    for (let i = 0; i < 100; i++) await guard.assertMailHost('smtp.host', 'mail.acme.test');
    expect(lookups).toBe(1);
    table['mail.acme.test'] = ['127.0.0.1'];
    expect(await refusedBy(guard.addressFor('mail.acme.test'))).toBeInstanceOf(HostNotAllowedError);
  });

  it('passes the resolver\'s own failure on, and gives up when the connection is aborted', async () => {
    const guard = createHostGuard({ allowed: [], lookup: tableLookup({}) });
    expect(await refusedBy(guard.addressFor('nowhere.acme.test'))).toMatchObject({ code: 'ENOTFOUND' });
    const never = createHostGuard({ allowed: [], lookup: () => new Promise(() => {}) });
    const controller = new AbortController();
    const pending = refusedBy(never.addressFor('slow.acme.test', controller.signal));
    controller.abort(new Error('deadline'));
    expect(await pending).toMatchObject({ message: 'deadline' });
  });
});

describe('assertPublicUrl (webhooks)', () => {
  const guard = createHostGuard({ allowed: [], lookup: tableLookup({ 'hooks.acme.test': ['93.184.216.34'], 'intranet.acme.test': ['192.168.0.10'] }) });

  it('answers the URL of a public http or https host', async () => {
    expect((await guard.assertPublicUrl('https://hooks.acme.test/regrant?x=1')).href).toBe('https://hooks.acme.test/regrant?x=1');
    expect((await guard.assertPublicUrl('http://93.184.216.34:8080/hook')).port).toBe('8080');
  });

  it.each([
    ['http://127.0.0.1/hook', 'is a loopback'],
    ['http://2130706433/hook', 'is a loopback'], // the URL parser writes it 127.0.0.1
    ['http://0x7f.1/', 'is a loopback'],
    ['http://[::1]:8080/', 'is a loopback'],
    ['http://[::ffff:127.0.0.1]/', 'is a loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'is a link-local'],
    ['https://intranet.acme.test/hook', 'resolves to a private'],
    ['http://localhost:8787/api', 'resolves to a loopback'],
    ['http://[fd00::1]/', 'is a unique-local'],
    ['http://100.64.1.1/', 'is a carrier-grade NAT'],
  ])('refuses %s with a 422 on the url field', async (url, words) => {
    const error = await refusedBy(guard.assertPublicUrl(url));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'url', message: expect.stringContaining(`${words} address.`) });
  });

  it.each(['ftp://hooks.acme.test/', 'file:///etc/passwd', 'gopher://hooks.acme.test/', 'not a url', 'javascript:alert(1)'])('refuses %s: http and https only', async (url) => {
    expect(await refusedBy(guard.assertPublicUrl(url))).toMatchObject({ code: 'invalid_input', field: 'url', message: expect.stringMatching(/^url: must (be|start with)/) });
  });

  it('an opened range lets a webhook on the internal network through', async () => {
    const open = createHostGuard({ allowed: parseAllowedRanges('192.168.0.0/16'), lookup: tableLookup({ 'intranet.acme.test': ['192.168.0.10'] }) });
    expect((await open.assertPublicUrl('https://intranet.acme.test/hook')).hostname).toBe('intranet.acme.test');
  });
});
