/**
 * `npm run demo` as a newcomer runs it: a child process that seeds mailboxes of all three
 * kinds in every state and prints a token that shows them through the API; a second
 * `npm run demo -- <command>` reaches it from another terminal to break and fix mailboxes,
 * and to stop it, which removes everything it put in the temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountStatus, StatusResponse } from '../shared/api.ts';
import { eventually } from './support/regrant.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
/** The demo's own temporary folder: its data, Dovecot's, and the record of where it listens. */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'regrant-demo-test-'));
chmodSync(tmp, 0o755); // Dovecot's auth process, another user, reads its passwd-file below it
const env = { ...process.env, TMPDIR: tmp, PORT: '0' };

let demo: ChildProcess;
let output = '';
let url: string;
let adminToken: string;
let memberToken: string;
let dataFolder: string;

/** What the demo printed, once it printed something matching `pattern`. */
function printed(pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const match = pattern.exec(output);
      if (match) {
        demo.stdout!.off('data', look);
        demo.off('exit', exited);
        resolve(match);
      }
    };
    const exited = (code: number | null) => reject(new Error(`the demo exited (${code}) before printing ${pattern}:\n${output}`));
    demo.stdout!.on('data', look);
    demo.once('exit', exited);
    look();
  });
}

/** `npm run demo -- <args>` in a second terminal. */
function secondTerminal(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['demo/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

async function status(token = adminToken): Promise<StatusResponse> {
  const res = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as StatusResponse;
}
const mailbox = async (email: string): Promise<AccountStatus> => (await status()).accounts.find((a) => a.email === email)!;

beforeAll(async () => {
  // Its own process group, so that a demo left running by a failed test can be stopped whole.
  demo = spawn(TSX, ['demo/main.ts'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  demo.stdout!.on('data', (d) => (output += d));
  demo.stderr!.on('data', (d) => (output += d));
  await printed(/Type help for the commands\./);
  url = (await printed(/Server URL:\s+(\S+)/))[1];
  adminToken = (await printed(/Admin token:\s+(rg_\S+)/))[1];
  memberToken = (await printed(/Member token:\s+(rg_\S+)/))[1];
  dataFolder = (await printed(/Data folder:\s+(\S+)/))[1];
}, 120_000);

afterAll(() => {
  if (demo?.pid && demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

it('seeds Gmail, Outlook and custom mailboxes in every state, which the printed admin token shows through the API', async () => {
  expect(existsSync(path.join(dataFolder, 'data'))).toBe(true);
  const { accounts, counts } = await status();
  expect(counts.total).toBeGreaterThanOrEqual(10);
  const kindsIn = (state: string) => new Set(accounts.filter((a) => a.state === state).map((a) => a.provider));
  expect(kindsIn('connected')).toEqual(new Set(['google', 'microsoft', 'custom']));
  expect(kindsIn('needs_reauth')).toEqual(new Set(['google', 'microsoft', 'custom']));
  expect(kindsIn('unreachable').size).toBeGreaterThan(0);
  expect(kindsIn('new').size).toBeGreaterThan(0);
  // Different reasons, and emails held for broken mailboxes.
  const broken = accounts.filter((a) => a.state === 'needs_reauth');
  expect(new Set(broken.map((a) => a.reason?.code)).size).toBeGreaterThan(1);
  // What the README promises of the two Outlook ones: a changed password, and an MFA demand.
  const reasonOf = (email: string) => broken.find((a) => a.email === email)?.reason;
  expect(reasonOf('support@acme.test')?.code).toBe('grant_revoked');
  expect(reasonOf('ana@acme.test')).toMatchObject({ code: 'mfa_required', message: expect.stringMatching(/multi-factor/) });
  expect(broken.some((a) => a.pendingEmails > 0)).toBe(true);
  // The member sees only the mailboxes they own, some of them broken.
  const mine = await status(memberToken);
  expect(mine.counts.total).toBeGreaterThan(0);
  expect(mine.counts.total).toBeLessThan(counts.total);
  expect(mine.counts.needsReauth).toBeGreaterThan(0);
  // The console listed them with their states, all as the seed planned.
  expect(output).not.toContain('the seed did not go as planned');
  expect(output).toMatch(/sales@acme\.test\s+Gmail\s+admin\s+Connected/);
  expect(output).toMatch(/hello@acme\.test\s+SMTP\/IMAP\s+admin\s+Needs re-authentication\s+3 emails waiting/);
});

it('npm run demo -- break, from another terminal, turns a connected Gmail and a connected custom mailbox to needs re-authentication', async () => {
  expect((await mailbox('sales@acme.test')).state).toBe('connected');
  const gmail = await secondTerminal('break', 'sales@acme.test');
  expect(gmail.code).toBe(0);
  expect(gmail.stdout).toMatch(/sales@acme\.test \(Gmail\): Needs re-authentication/);
  expect((await mailbox('sales@acme.test')).state).toBe('needs_reauth');

  expect((await mailbox('ops@acme.test')).state).toBe('connected');
  const custom = await secondTerminal('break', 'ops');
  expect(custom.code).toBe(0);
  expect((await mailbox('ops@acme.test')).state).toBe('needs_reauth');
  // The demo's own console says so too.
  await printed(/● ops@acme\.test \(SMTP\/IMAP\): Connected → Needs re-authentication/);
});

it('fix re-grants a Gmail mailbox through the consent stand-in, and its held emails go out', async () => {
  const before = await mailbox('mia@acme.test');
  expect(before).toMatchObject({ state: 'needs_reauth' });
  expect(before.pendingEmails).toBe(2);
  const fixed = await secondTerminal('fix', 'mia');
  expect(fixed.stdout).toMatch(/Regrant says: Reconnected/);
  expect((await mailbox('mia@acme.test')).state).toBe('connected');
  await eventually(async () => (await mailbox('mia@acme.test')).pendingEmails === 0, 10_000);
  await printed(/✉ mia@acme\.test sent "Following up \(2\)" through the Gmail stand-in/);
});

it('quit stops the demo and removes what it put in the temporary folder; then the second terminal says no demo runs', async () => {
  const stopping = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  expect((await secondTerminal('quit')).stdout).toMatch(/Stopping the demo/);
  expect(await stopping).toBe(0);
  expect(output).toContain(`Stopped. Removed ${dataFolder}`);
  expect(existsSync(dataFolder)).toBe(false);
  // Its data, Dovecot's folder and the record of where it listened are all gone (tsx keeps a cache there).
  expect(readdirSync(tmp).filter((name) => name.startsWith('regrant'))).toEqual([]);

  const none = await secondTerminal('list');
  expect(none.code).toBe(1);
  expect(none.stdout).toContain('No Regrant demo is running. Start one with: npm run demo');
});
