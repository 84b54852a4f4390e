/**
 * One run of the bare floor: `bench/support/bare-checks.ts` compiled and run under plain node,
 * doing the same SMTP and IMAP logins as a health check, with the same libraries, options and
 * concurrency, timed from "go" on its standard input to its last login.
 *
 * @example
 *   const { rate, cpuMsPerMailbox } = await bareRun(file, 10_000, '50', '30');
 */
import { createInterface } from 'node:readline';
import { compileScript, cpuMsOf, memoryOf, spawnNode } from './mailboxes.ts';

export interface BareRun {
  /** Mailboxes per second. */
  rate: number;
  cpuMsPerMailbox: number;
  peakMb: number;
}

/** `file` holds the mailboxes' settings as JSON (settingsOf of each). */
export async function bareRun(file: string, mailboxes: number, concurrency: string, timeoutSeconds: string): Promise<BareRun> {
  const bare = await spawnNode([compileScript('bench/support/bare-checks.ts'), file, concurrency, timeoutSeconds], {}, 'pipe');
  const lines = createInterface({ input: bare.child.stdout! })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== 'ready') throw new Error('the bare script did not start');
  const cpuBefore = cpuMsOf(bare.pid);
  const start = Date.now();
  bare.child.stdin!.write('go\n');
  const { lastDoneAt, ok } = JSON.parse((await lines.next()).value as string) as { lastDoneAt: number; ok: number };
  const cpuMsPerMailbox = (cpuMsOf(bare.pid) - cpuBefore) / mailboxes;
  const peakMb = memoryOf(bare.pid).hwmMb;
  bare.child.stdin!.end();
  await bare.stop();
  if (ok !== mailboxes) throw new Error(`bare script: only ${ok} of ${mailboxes} logins worked`);
  return { rate: mailboxes / ((lastDoneAt - start) / 1000), cpuMsPerMailbox, peakMb };
}
