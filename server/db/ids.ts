import { randomBytes } from 'node:crypto';

let last = 0;
let seq = 0;

/**
 * A random id that sorts by creation time (ms, then a counter within the ms), so
 * "newest first" needs no extra column and works the same on SQLite and PostgreSQL.
 *
 * @example newId('acc') // 'acc_0mhx2k1q40000a1b2c3d4e5f6'
 */
export function newId(prefix: string): string {
  const now = Date.now();
  seq = now === last ? seq + 1 : 0;
  last = now;
  return `${prefix}_${now.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}
