/**
 * DATA_DIR holds the database (email bodies, recipients, subjects in clear), its -wal/-shm
 * files and the secret key: other local users must not read any of it. The folder is `0700`,
 * everything in it `0600` (sub-folders `0700`), set explicitly so the umask does not matter;
 * anything found wider at start is tightened, with a log line naming what and from what.
 *
 * @example
 *   closeDataDir(config.dataDir, logger); // before and after the database opens
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface Tightened {
  path: string;
  from: string;
  to: string;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

function tighten(target: string, want: number, found: Tightened[]): void {
  const mode = lstatSync(target).mode & 0o777;
  if (mode === want) return;
  chmodSync(target, want);
  found.push({ path: target, from: octal(mode), to: octal(want) });
}

function walk(dir: string, found: Tightened[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    // A link is left alone: its target may be anywhere, and chmod would follow it.
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      tighten(full, DIR_MODE, found);
      walk(full, found);
    } else if (entry.isFile()) tighten(full, FILE_MODE, found);
  }
}

/**
 * Creates `dataDir` (0700) if needed and brings it and everything in it to 0700/0600.
 * Answers what it had to change; `log` hears about each one.
 */
export function closeDataDir(dataDir: string, log?: (t: Tightened) => void): Tightened[] {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const found: Tightened[] = [];
  tighten(dataDir, DIR_MODE, found);
  walk(dataDir, found);
  if (log) for (const t of found) log(t);
  return found;
}

/** Creates an empty file at `file` with mode 0600 if there is none, so SQLite (and its -wal/-shm, which take the database's mode) never start wider. */
export function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: DIR_MODE });
  closeSync(openSync(file, 'a', FILE_MODE));
  chmodSync(file, FILE_MODE);
}
