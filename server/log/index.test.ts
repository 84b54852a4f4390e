import { expect, it } from 'vitest';
import { ConfigError } from '../config/index.ts';
import { createLogger, inRequest } from './index.ts';
import { prettyStream } from './pretty.ts';

function capture(level?: 'info' | 'warn') {
  const lines: string[] = [];
  return { lines, log: createLogger((line) => lines.push(line), { level }) };
}

it('writes one JSON object a line, with level, time and event', () => {
  const { lines, log } = capture();
  log.info('check', { account: 'acc_1', state: 'connected' });
  log.error('check.crashed', { error: new Error('boom') });
  expect(lines).toHaveLength(2);
  const [first, second] = lines.map((l) => JSON.parse(l));
  expect(first).toMatchObject({ level: 'info', event: 'check', account: 'acc_1', state: 'connected' });
  expect(Date.parse(first.time)).not.toBeNaN();
  expect(second).toMatchObject({ level: 'error', event: 'check.crashed', error: { name: 'Error', message: 'boom' } });
});

it('leaves out what is below LOG_LEVEL', () => {
  const { lines, log } = capture('warn');
  log.info('quiet');
  log.warn('loud');
  expect(lines.map((l) => JSON.parse(l).event)).toEqual(['loud']);
});

it('never writes the planted secrets', () => {
  const { lines, log } = capture();
  const secrets = ['hunter2', 'rg_' + 'T'.repeat(43), 'Bearer-abc123', 'url-pass', 'r_' + 'L'.repeat(43), '4/0OAuthCode', 'cause-secret'];
  log.info('login', { password: secrets[0], mailbox: { smtp: { pass: secrets[0] } } });
  log.info('api', { token: secrets[1], note: `used ${secrets[1]}` });
  log.info('request', { headers: { authorization: `Bearer ${secrets[2]}` }, raw: `Authorization: Bearer ${secrets[2]}` });
  log.warn('notify', { url: `smtps://regrant:${secrets[3]}@mail.acme.test` });
  log.info('page', { path: `/r/${secrets[4]}` });
  log.info('callback', { url: `https://regrant.test/oauth/google/callback?code=${secrets[5]}&state=xyz` });
  log.error('send', { error: new Error('send failed', { cause: new Error(`login refused for smtp://u:${secrets[6]}@host`) }) });
  const text = lines.join('\n');
  expect(lines).toHaveLength(7);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).toContain('smtps://regrant:***@mail.acme.test');
});

it('names the request in every line written while it is handled', async () => {
  const { lines, log } = capture();
  log.info('before');
  await inRequest('req-42', async () => {
    log.info('inside');
    await new Promise((r) => setTimeout(r, 1));
    log.warn('after an await');
  });
  log.info('outside');
  expect(lines.map((l) => JSON.parse(l).requestId)).toEqual([undefined, 'req-42', 'req-42', undefined]);
});

it('LOG_FORMAT=pretty without pino-pretty installed stops with a clear configuration error', () => {
  const missing = () => {
    throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' });
  };
  expect(() => prettyStream(missing)).toThrow(ConfigError);
  expect(() => prettyStream(missing)).toThrow(/LOG_FORMAT is pretty, but pino-pretty .* is not installed/);
});

it('LOG_FORMAT=pretty with pino-pretty installed gives a stream', () => {
  expect(typeof prettyStream().write).toBe('function');
});
