/**
 * Reading an IMAP inbox on a real Dovecot: a long catch-up saves its place after each batch,
 * so one cut short goes on from there instead of starting over; big mails are read only as
 * far as replies and bounces need.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_MAIL_BYTES, scanImap } from '../../server/providers/mail/imap-scan.ts';
import type { MailPosition } from '../../server/providers/types.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { loopbackHosts } from '../support/hosts.ts';
import { appendToInbox, unrelated } from '../support/mail-samples.ts';

const MAILBOX = 'catchup@acme.test';
let imap: Dovecot;
const server = () => ({ host: '127.0.0.1', port: imap.port, security: 'none' as const });
const ctx = () => ({ signal: new AbortController().signal, timeoutMs: 5000, hosts: loopbackHosts });

beforeAll(async () => {
  imap = await startDovecot({ [MAILBOX]: 'pw' });
  await appendToInbox(imap, MAILBOX, 'pw', Array.from({ length: 60 }, () => unrelated('news@example.test', MAILBOX)));
});
afterAll(() => imap?.stop());

it('a scan that fails at the 55th of 60 mails has saved its place after the first 50; the next reads only the rest', async () => {
  const saved: MailPosition[] = [];
  let seen = 0;
  const failing = scanImap(server(), { user: MAILBOX, pass: 'pw' }, {
    position: null,
    since: new Date(Date.now() - 86_400_000),
    async onMail() {
      if (++seen === 55) throw new Error('the database went away');
    },
    onProgress: async (p) => void saved.push(p),
  }, ctx());
  await expect(failing).rejects.toThrow();
  expect(saved).toHaveLength(1);
  expect(Number(saved[0].lastUid)).toBe(50);

  let rest = 0;
  const done = await scanImap(server(), { user: MAILBOX, pass: 'pw' }, { position: saved[0], since: new Date(0), onMail: async () => void rest++ }, ctx());
  expect(rest).toBe(10);
  expect(Number(done.lastUid)).toBe(60);
});

it('a big mail is read only as far as its headers and first part', async () => {
  const big = unrelated('news@example.test', MAILBOX).replace('News!', 'x'.repeat(2 * MAX_MAIL_BYTES));
  await appendToInbox(imap, MAILBOX, 'pw', [big]);
  const sizes: number[] = [];
  await scanImap(server(), { user: MAILBOX, pass: 'pw' }, { position: { uidValidity: (await currentValidity()), lastUid: 60 }, since: new Date(0), onMail: async (raw) => void sizes.push(raw.length) }, ctx());
  expect(sizes).toHaveLength(1);
  expect(sizes[0]).toBeLessThanOrEqual(MAX_MAIL_BYTES);
  expect(sizes[0]).toBeGreaterThan(1000);
});

async function currentValidity(): Promise<string> {
  const p = await scanImap(server(), { user: MAILBOX, pass: 'pw' }, { position: null, since: new Date(Date.now() + 86_400_000 * 2), onMail: async () => undefined }, ctx());
  return String(p.uidValidity);
}
