import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeSafeLibraries } from './store-safe-libraries.ts';

type Transform = (code: string, id: string) => { code: string } | null;
const transform = storeSafeLibraries().transform as unknown as Transform;
const library = (file: string) => {
  const id = path.resolve('node_modules', file);
  return { id, code: readFileSync(id, 'utf8') };
};

describe('storeSafeLibraries', () => {
  it("answers zod's eval probe with false, without calling the Function constructor", () => {
    const { id, code } = library('zod/v4/core/util.js');
    const out = transform(code, id)!.code;
    expect(out).not.toContain('new F("")');
    expect(out).toContain('return false; // an extension page forbids eval');
  });

  it("makes Preact's dangerouslySetInnerHTML throw instead of writing innerHTML, in both of its module builds", () => {
    for (const file of ['preact/dist/preact.mjs', 'preact/dist/preact.module.js']) {
      const { id, code } = library(file);
      const out = transform(code, `${id}?v=1`)!.code;
      expect(out).not.toMatch(/\.innerHTML=\w+\.__html/);
      expect(out).toContain('dangerouslySetInnerHTML is not supported');
    }
  });

  it('leaves every other file alone, and stops the build when a library moved the code it rewrites', () => {
    expect(transform('el.innerHTML=x.__html', '/app/extension/components/Popup.tsx')).toBeNull();
    expect(() => transform('export const allowsEval = () => true;', '/app/node_modules/zod/v4/core/util.js')).toThrow(/no longer in/);
  });
});
