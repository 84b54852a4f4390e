/**
 * Which machine this process runs on, precisely enough to tell another process id of the same
 * machine: the boot id and the process-id namespace (two containers sharing a host name and a
 * database still differ). null where /proc does not say (not Linux).
 *
 * @example if (host === THIS_HOST && processGone(pid)) reap();
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

export const THIS_HOST: string | null = (() => {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pids = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    return `${os.hostname()}:${boot}:${pids}`;
  } catch {
    return null;
  }
})();

/** True when process `pid` of this machine no longer runs (gone, or a zombie nobody reaped yet). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    // "pid (name) S …": the state follows the last parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
