/**
 * The floor for a health-check cycle: the same logins as Regrant's check of a custom mailbox
 * (nodemailer verify and imapflow connect + logout, at once, with the option builders
 * Regrant uses) at the same concurrency, and nothing else: no database, no secrets, no state.
 * Run under tsx like the server; it says "ready", waits for "go" on standard input, then
 * prints one JSON line: when the last check ended (ms since the epoch) and how many worked.
 * It exits when its standard input closes.
 *
 *   tsx bench/support/bare-checks.ts mailboxes.json 50
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { imapClientOptions } from '../../server/providers/mail/imap.ts';
import { smtpTransportOptions } from '../../server/providers/mail/smtp.ts';
import type { ServerSettings } from '../../server/providers/types.ts';

const [file, concurrencyArg, timeoutArg = '30'] = process.argv.slice(2);
const mailboxes = JSON.parse(readFileSync(file, 'utf8')) as Array<{ smtp: ServerSettings; imap: ServerSettings }>;
const concurrency = Number(concurrencyArg);
const timeoutMs = Number(timeoutArg) * 1000;

async function smtpLogin(s: ServerSettings): Promise<void> {
  const transport = nodemailer.createTransport(smtpTransportOptions(s, { address: s.host }, { user: s.username, pass: s.password }, timeoutMs));
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

async function imapLogin(s: ServerSettings): Promise<void> {
  const client = new ImapFlow({ ...imapClientOptions(s, { address: s.host }, { user: s.username, pass: s.password }, timeoutMs), verifyOnly: true });
  client.on('error', () => {});
  try {
    await client.connect();
  } finally {
    client.close();
  }
}

async function cycle() {
  let next = 0;
  let ok = 0;
  let lastDoneAt = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < mailboxes.length; i = next++) {
        const { smtp, imap } = mailboxes[i];
        const results = await Promise.allSettled([smtpLogin(smtp), imapLogin(imap)]);
        if (results.every((r) => r.status === 'fulfilled')) ok++;
        lastDoneAt = Date.now();
      }
    }),
  );
  return { lastDoneAt, ok };
}

console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'go') console.log(JSON.stringify(await cycle()));
}
// Standard input closed: the bench has read this process's figures from /proc. An exit of our own lets --cpu-prof write.
process.exit(0);
