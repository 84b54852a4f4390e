/**
 * The Firefox build as addons.mozilla.org's linter sees it (`web-ext lint`, the checks AMO
 * runs on upload): no error, no warning, no notice. The two library branches that used to
 * raise warnings (Preact's `dangerouslySetInnerHTML`, zod's probe for eval) are taken out by
 * the build (extension/vite/store-safe-libraries.ts), as docs/store.md explains.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const BUILD = path.resolve('.output/firefox-mv3');

interface LintMessage {
  code: string;
  message: string;
  file?: string;
}

it('web-ext lint finds no error, no warning and no notice in the Firefox build', async () => {
  const webExt = path.resolve('node_modules/.bin/web-ext');
  // web-ext exits 1 when there are errors: the report is read either way.
  const { stdout } = await promisify(execFile)(webExt, ['lint', '--source-dir', BUILD, '--output', 'json'], { maxBuffer: 16 << 20 }).catch(
    (e: { stdout: string }) => e,
  );
  const report = JSON.parse(stdout) as { errors: LintMessage[]; warnings: LintMessage[]; notices: LintMessage[] };
  const said = (list: LintMessage[]) => list.map((m) => `${m.code} in ${m.file}: ${m.message}`);
  expect(said(report.errors)).toEqual([]);
  expect(said(report.warnings)).toEqual([]);
  expect(said(report.notices)).toEqual([]);
  // The build's rewrite of Preact is in the bundle, and Regrant's own code never passes that prop.
  const chunks = readdirSync(path.join(BUILD, 'chunks')).map((f) => readFileSync(path.join(BUILD, 'chunks', f), 'utf8'));
  expect(chunks.some((c) => c.includes('dangerouslySetInnerHTML is not supported'))).toBe(true);
  const sources = readdirSync('extension', { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && /\.tsx?$/.test(f.name) && f.parentPath !== path.join('extension', 'vite'));
  expect(sources.length).toBeGreaterThan(10);
  expect(sources.filter((f) => readFileSync(path.join(f.parentPath, f.name), 'utf8').includes('dangerouslySetInnerHTML'))).toEqual([]);
}, 120_000);

