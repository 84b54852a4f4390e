#!/usr/bin/env node
/**
 * Compiles the server to plain JavaScript in dist/server/ (main.js for `npm start`, cli.js for
 * `npm run regrant`), one bundle each with source maps, so production runs under plain node
 * with no TypeScript loader. Dependencies stay in node_modules (better-sqlite3 is native).
 *
 * Runs before `npm start` and `npm run regrant`: a build whose sources are unchanged is kept
 * (the sources' hash is stamped beside it), a stale one is rebuilt, never run silently.
 * Says what it did on standard error, so a command's standard output stays its own.
 *
 * @example
 *   node scripts/build-server.mjs          # build when server/ or shared/ changed
 *   node scripts/build-server.mjs --force  # build anyway
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'server');
const stampFile = path.join(outDir, 'build.json');
const ENTRIES = { main: 'server/main.ts', cli: 'server/cli/main.ts' };

/** Every file the bundles can include: server/ and shared/ without their tests, this script and package.json. */
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) found.push(rel);
    }
  };
  walk('server');
  walk('shared');
  found.push('scripts/build-server.mjs', 'package.json'); // package.json: the version the server reports
  return found.sort();
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of sources()) hash.update(file).update('\0').update(readFileSync(path.join(root, file))).update('\0');
  return hash.digest('hex');
}

function builtHash() {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    const complete = Object.keys(ENTRIES).every((name) => existsSync(path.join(outDir, `${name}.js`)));
    return complete ? stamp.hash : null;
  } catch {
    return null;
  }
}

/** Writes a file by renaming a finished copy into place: a concurrent build or start never reads half a file. */
function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

const hash = sourceHash();
if (!process.argv.includes('--force') && builtHash() === hash) process.exit(0);

const { build } = await import('esbuild');
const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  outdir: outDir,
  write: false,
  logLevel: 'warning',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
});
mkdirSync(outDir, { recursive: true });
for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
writeAtomically(stampFile, `${JSON.stringify({ hash, builtAt: new Date().toISOString() })}\n`);
process.stderr.write(`regrant: built the server into dist/server in ${Date.now() - started} ms\n`);
