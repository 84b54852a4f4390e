/**
 * The popup as both browsers' builds ship it (extension/vite/classic-popup.ts): one classic
 * script of its own, nothing else to fetch before its first line runs;
 * no webextension polyfill and no answer schemas inside it, which it loads from a module of
 * their own only when Re-grant or Copy link asks (test/e2e/extension.test.ts clicks both).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe.each(['chrome', 'firefox'])('the %s build of the popup', (browser) => {
  const dir = path.resolve(`.output/${browser}-mv3`);
  const html = readFileSync(path.join(dir, 'popup.html'), 'utf8');
  const script = readFileSync(path.join(dir, 'popup-main.js'), 'utf8');

  it('runs one script, its own code, with no module graph or preload before it', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0].replace(/\s+/g, ' '));
    expect(scripts).toEqual(['<script src="/popup-main.js" >']);
    expect(html).not.toMatch(/modulepreload|stylesheet/);
    // A classic script: no import or export statement at its top level.
    expect(script).not.toMatch(/^import[\s{*]|\bexport\s*\{/m);
  });

  it('carries neither the webextension polyfill nor zod, whose schemas it imports from chunks/responses.js', () => {
    expect(script).not.toMatch(/webextension-polyfill|Received unexpected|\$ZodType/);
    const imports = [...script.matchAll(/\bimport\(\s*[`'"]([^`'"]+)[`'"]\s*\)/g)].map((m) => m[1]);
    expect(imports).toEqual(['./chunks/responses.js']);
    const schemas = readFileSync(path.join(dir, 'chunks', 'responses.js'), 'utf8');
    expect(schemas).toMatch(/oneTimeLink|statusResponse/i);
  });
});
