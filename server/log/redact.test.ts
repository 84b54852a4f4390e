import { expect, it } from 'vitest';
import { redact, redactString } from './redact.ts';

it('masks secret-looking keys at any depth, and keeps the rest', () => {
  const out = JSON.stringify(redact({ password: 'a', nested: { accessToken: 'b', list: [{ clientSecret: 'c' }] }, headers: { Authorization: 'd' }, note: 'fine' }));
  expect(out).not.toMatch(/"a"|"b"|"c"|"d"/);
  expect(out).toContain('fine');
});

it('masks credentials inside URLs but keeps the user and the host', () => {
  expect(redactString('failed: smtp://ann:pw%40x@mail.acme.test:587')).toBe('failed: smtp://ann:***@mail.acme.test:587');
});

it('masks share-link and start tokens in paths, but not a route pattern', () => {
  expect(redactString('GET https://regrant.test/r/r_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?x=1')).toBe('GET https://regrant.test/r/***?x=1');
  expect(redactString('/oauth/start/st_abc')).toBe('/oauth/start/***');
  expect(redactString('/r/:token')).toBe('/r/:token');
});

it('masks OAuth code and state parameters and secret-named parameters', () => {
  const out = redactString('https://regrant.test/oauth/google/callback?state=S1&code=4/0AbC&scope=email refresh_token=RT');
  expect(out).toBe('https://regrant.test/oauth/google/callback?state=***&code=***&scope=email refresh_token=***');
});

it('masks bearer tokens and Regrant tokens inside free text', () => {
  const token = 'rg_' + 'x'.repeat(43);
  expect(redactString(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer ***');
  expect(redactString(`token ${token} was refused`)).toBe('token rg_*** was refused');
  expect(redactString('account acc_0lq3x1abc0000deadbeef')).toBe('account acc_0lq3x1abc0000deadbeef');
});

it('reduces errors to name, message, code and a masked cause, however deep', () => {
  const root = Object.assign(new Error('login to imap://u:deep-secret@host failed'), { code: 'EAUTH' });
  const middle = new Error('check failed', { cause: root });
  const out = redact({ error: new Error('outer', { cause: middle }) }) as { error: { cause: { cause: { message: string; code: string } } } };
  expect(out.error.cause.cause.code).toBe('EAUTH');
  expect(JSON.stringify(out)).not.toContain('deep-secret');
  expect(JSON.stringify(out)).toContain('imap://u:***@host');
});

it('stops at a depth instead of walking a cycle forever', () => {
  const loop: Record<string, unknown> = { name: 'loop' };
  loop.self = loop;
  expect(JSON.stringify(redact(loop))).toContain('[…]');
});
